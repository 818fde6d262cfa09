//! A warehouse's connection URL, read from an environment variable and never shown whole.
//!
//! The project stores the variable's name, not the URL. The URL's password (in its user info, or
//! a `password=` parameter; a Spark Connect URL's `;token=`) is replaced by `***` wherever Loupe shows or records the URL, and
//! [`ConnUrl::scrub`] takes it out of any message a driver gives back.

use super::Engine;
use crate::{Error, Result};

/// URLs the user typed in the window for this session, by variable name: held in this
/// process's memory only, never written anywhere, and read before the environment.
static SESSION_URLS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Holds `url` as the value of variable `var` for the rest of this session (the window's
/// connect dialog, for a user who did not set the variable before starting Loupe). The project
/// keeps only the variable's name, as ever.
pub fn set_session_url(var: &str, url: &str) {
    let url = url.trim().to_string();
    let Ok(mut all) = SESSION_URLS.lock() else {
        return;
    };
    all.retain(|(v, _)| v != var);
    if !url.is_empty() {
        all.push((var.to_string(), url));
    }
}

/// The URL typed for `var` in this session, if any.
pub fn session_url(var: &str) -> Option<String> {
    let all = SESSION_URLS.lock().ok()?;
    all.iter().find(|(v, _)| v == var).map(|(_, u)| u.clone())
}

/// A connection URL and the variable it came from. `Debug` shows it redacted.
#[derive(Clone)]
pub struct ConnUrl {
    var: String,
    url: String,
}

impl std::fmt::Debug for ConnUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConnUrl({}={})", self.var, self.redacted())
    }
}

impl ConnUrl {
    /// The URL in variable `var`, for `what` (a dataset or a link being made).
    pub fn from_env(var: &str, what: &str) -> Result<ConnUrl> {
        // Only a variable's name: a URL given here by mistake is never echoed back.
        let name_like = var
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !name_like {
            return Err(Error::InvalidArgument(
                "--url-env takes the name of an environment variable (letters, digits and _, e.g. LOUPE_PG) that holds the URL, not the URL itself".into(),
            ));
        }
        if let Some(url) = session_url(var) {
            return Ok(ConnUrl {
                var: var.to_string(),
                url,
            });
        }
        match std::env::var(var) {
            Ok(url) if !url.trim().is_empty() => Ok(ConnUrl {
                var: var.to_string(),
                url: url.trim().to_string(),
            }),
            _ => Err(Error::InvalidArgument(format!(
                "{what}: the environment variable {var} is not set; set it to the warehouse's URL, e.g. export {var}='postgresql://user:password@host:5432/database'"
            ))),
        }
    }

    /// A URL given directly (tests, the window's connect dialog).
    pub fn new(var: &str, url: &str) -> ConnUrl {
        ConnUrl {
            var: var.to_string(),
            url: url.trim().to_string(),
        }
    }

    pub fn var(&self) -> &str {
        &self.var
    }

    /// The URL with its secrets, for the driver only.
    pub(super) fn secret(&self) -> &str {
        &self.url
    }

    /// The engine the URL's scheme names.
    pub fn engine(&self) -> Result<Engine> {
        let scheme = self
            .url
            .split("://")
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match scheme.as_str() {
            "postgresql" | "postgres" => Ok(Engine::Postgres),
            "sc" => Ok(Engine::Spark),
            _ => Err(Error::InvalidArgument(format!(
                "{}: the URL does not start with postgresql:// or sc:// (it starts with '{}'); give postgresql://user:password@host:port/database, or sc://host:port for Spark Connect",
                self.var,
                scheme.chars().take(20).collect::<String>()
            ))),
        }
    }

    /// The password, as written in the URL and percent-decoded, when it has one.
    fn passwords(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((_, rest)) = self.url.split_once("://") {
            let authority = rest.split(['/', '?']).next().unwrap_or("");
            if let Some((userinfo, _)) = authority.rsplit_once('@')
                && let Some((_, pw)) = userinfo.split_once(':')
                && !pw.is_empty()
            {
                out.push(pw.to_string());
            }
        }
        if let Some((_, query)) = self.url.split_once('?') {
            for pair in query.split('&') {
                if let Some((k, v)) = pair.split_once('=')
                    && k.eq_ignore_ascii_case("password")
                    && !v.is_empty()
                {
                    out.push(v.to_string());
                }
            }
        }
        // The password as the driver reads it, whatever the URL's form (a key=value string, a
        // percent-encoded key, a slash in the password).
        if let Ok(config) = self.url.parse::<postgres::Config>()
            && let Some(pw) = config.get_password()
            && !pw.is_empty()
        {
            out.push(String::from_utf8_lossy(pw).into_owned());
        }
        // Everything between the scheme and the last '@' before the host, as the driver splits.
        if let Some((_, rest)) = self.url.split_once("://")
            && let Some((userinfo, _)) = rest.split_once('@')
            && let Some((_, pw)) = userinfo.split_once(':')
            && !pw.is_empty()
        {
            out.push(pw.to_string());
        }
        // Spark Connect's parameters: `sc://host:port/;token=…;user_id=…`.
        if self.url.starts_with("sc://") {
            for param in self.url.split(';').skip(1) {
                if let Some((k, v)) = param.split_once('=')
                    && k.eq_ignore_ascii_case("token")
                    && !v.is_empty()
                {
                    out.push(v.split(['?', '#']).next().unwrap_or(v).to_string());
                }
            }
        }
        let decoded: Vec<String> = out.iter().map(|p| percent_decode(p)).collect();
        out.extend(decoded);
        out.sort_by_key(|p| std::cmp::Reverse(p.len()));
        out.dedup();
        out
    }

    /// The URL with its password replaced by `***`.
    pub fn redacted(&self) -> String {
        self.scrub(&self.url)
    }

    /// `text` with every occurrence of the password replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for pw in self.passwords() {
            out = out.replace(&pw, "***");
        }
        out
    }
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let u = ConnUrl::new(
            "PG",
            "postgresql://ana:s3cr%40t@db.example.com:5432/shop?sslmode=disable",
        );
        assert_eq!(
            u.redacted(),
            "postgresql://ana:***@db.example.com:5432/shop?sslmode=disable"
        );
        assert_eq!(
            u.scrub("password for s3cr@t failed"),
            "password for *** failed"
        );
        assert!(!format!("{u:?}").contains("s3cr"));
        let q = ConnUrl::new("PG", "postgres://h/db?user=a&password=xyz123");
        assert_eq!(q.redacted(), "postgres://h/db?user=a&password=***");
        let slash = ConnUrl::new("PG", "postgresql://u:pa/ss@h/db");
        assert!(!slash.redacted().contains("pa/ss"), "{}", slash.redacted());
        let kv = ConnUrl::new("PG", "host=h user=u password=kv-secret-1");
        assert!(!kv.redacted().contains("kv-secret-1"));
        assert!(!format!("{:?}", kv.engine()).contains("kv-secret-1"));
        assert!(
            ConnUrl::from_env("postgresql://u:pw@h/db", "x")
                .is_err_and(|e| !e.to_string().contains("pw@"))
        );
        let none = ConnUrl::new("PG", "postgresql://ana@h/db");
        assert_eq!(none.redacted(), "postgresql://ana@h/db");
        assert_eq!(none.engine().unwrap(), Engine::Postgres);
        assert_eq!(
            ConnUrl::new("S", "sc://h:15002").engine().unwrap(),
            Engine::Spark
        );
        let token = ConnUrl::new("S", "sc://h:15002/;user_id=ana;token=s3cr%2Ft;x=1");
        assert_eq!(token.redacted(), "sc://h:15002/;user_id=ana;token=***;x=1");
        assert_eq!(token.scrub("bad token s3cr/t"), "bad token ***");
        assert!(ConnUrl::new("X", "mysql://h").engine().is_err());
    }
}
