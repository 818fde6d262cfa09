//! Saved segments: named rules in the project, checked before they are stored.

use super::eval::Saved;
use super::rule::Rule;
use crate::store::{Action, Project, segments as store};
use crate::{Error, Result};
use serde::Serialize;

/// A saved segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub name: String,
    pub rule: Rule,
    /// The rule's text form.
    pub text: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

fn read(s: store::StoredSegment) -> Result<Segment> {
    let rule: Rule = serde_json::from_str(&s.json).map_err(|e| {
        Error::InvalidArgument(format!(
            "segment '{}' is stored in a form this Loupe cannot read ({e}); save it again",
            s.name
        ))
    })?;
    Ok(Segment {
        text: rule.to_string(),
        name: s.name,
        rule,
        description: s.description,
        created_at: s.created_at,
        updated_at: s.updated_at,
    })
}

pub fn list(project: &Project) -> Result<Vec<Segment>> {
    store::list(project.conn())?.into_iter().map(read).collect()
}

pub fn get(project: &Project, name: &str) -> Result<Segment> {
    match store::get(project.conn(), name)? {
        Some(s) => read(s),
        None => Err(super::eval::unknown_segment(name, &saved(project)?)),
    }
}

/// All saved rules by name, for `in_segment(…)`.
pub fn saved(project: &Project) -> Result<Saved> {
    Ok(list(project)?
        .into_iter()
        .map(|s| (s.name, s.rule))
        .collect())
}

/// Checks that every segment `rule` includes exists and that saving it as `name` makes no
/// cycle.
pub fn check_includes(name: &str, rule: &Rule, saved: &Saved) -> Result<()> {
    let mut path = vec![name.to_string()];
    fn walk(rule: &Rule, saved: &Saved, path: &mut Vec<String>) -> Result<()> {
        for inc in rule.segments() {
            if path.iter().any(|p| p == inc) {
                path.push(inc.to_string());
                return Err(Error::InvalidArgument(format!(
                    "segments cannot include themselves: {}",
                    path.join(" → ")
                )));
            }
            let Some(inner) = saved.get(inc) else {
                return Err(super::eval::unknown_segment(inc, saved));
            };
            path.push(inc.to_string());
            walk(inner, saved, path)?;
            path.pop();
        }
        Ok(())
    }
    walk(rule, saved, &mut path)
}

/// Saves (or replaces) a segment.
pub fn save(project: &Project, name: &str, rule: &Rule, description: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::InvalidArgument(
            "a segment needs a name of 1 to 100 characters".into(),
        ));
    }
    let mut others = saved(project)?;
    others.remove(name);
    check_includes(name, rule, &others)?;
    let json = serde_json::to_string(rule).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    store::put(project.conn(), name, &json, description)?;
    project.log(
        Action::Edit,
        None,
        None,
        &serde_json::json!({"segment": name, "rule": rule.to_string()}),
    )?;
    Ok(())
}

/// Deletes a segment and its snapshots; refuses while another segment includes it.
pub fn delete(project: &Project, name: &str) -> Result<()> {
    let all = saved(project)?;
    if !all.contains_key(name) {
        return Err(super::eval::unknown_segment(name, &all));
    }
    let users: Vec<&str> = all
        .iter()
        .filter(|(n, r)| n.as_str() != name && r.segments().contains(&name))
        .map(|(n, _)| n.as_str())
        .collect();
    if !users.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "segment '{name}' is included by {}; change those first",
            users.join(", ")
        )));
    }
    store::delete(project.conn(), name)?;
    project.log(
        Action::Delete,
        None,
        None,
        &serde_json::json!({"segment": name}),
    )?;
    Ok(())
}

/// Who entered and who left between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotDiff {
    pub entered: Vec<String>,
    pub left: Vec<String>,
    pub stayed: usize,
}

/// Compares two sorted id lists: `before` then `after`.
pub fn compare(before: &[String], after: &[String]) -> SnapshotDiff {
    let (mut i, mut j) = (0, 0);
    let mut d = SnapshotDiff {
        entered: Vec::new(),
        left: Vec::new(),
        stayed: 0,
    };
    while i < before.len() || j < after.len() {
        match (before.get(i), after.get(j)) {
            (Some(a), Some(b)) if a == b => {
                d.stayed += 1;
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                d.left.push(a.clone());
                i += 1;
            }
            (Some(_), Some(b)) => {
                d.entered.push(b.clone());
                j += 1;
            }
            (Some(a), None) => {
                d.left.push(a.clone());
                i += 1;
            }
            (None, Some(b)) => {
                d.entered.push(b.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn snapshot_differences() {
        let d = compare(&v(&["a", "b", "d"]), &v(&["b", "c", "d", "e"]));
        assert_eq!(d.entered, v(&["c", "e"]));
        assert_eq!(d.left, v(&["a"]));
        assert_eq!(d.stayed, 2);
        let d = compare(&[], &v(&["x"]));
        assert_eq!((d.entered.len(), d.left.len(), d.stayed), (1, 0, 0));
    }

    #[test]
    fn cycles_are_refused() {
        let p = |t: &str| super::super::parse::parse_rule(t).unwrap();
        let mut saved = Saved::new();
        saved.insert("A".into(), p("in_segment('B')"));
        saved.insert("B".into(), p("orders > 1"));
        assert!(check_includes("C", &p("in_segment('A')"), &saved).is_ok());
        let err = check_includes("B", &p("in_segment('A')"), &saved).unwrap_err();
        assert!(err.to_string().contains("B → A → B"), "{err}");
        assert!(check_includes("C", &p("in_segment('Z')"), &saved).is_err());
    }
}
