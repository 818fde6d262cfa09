#!/usr/bin/env bash
# The Windows installer under Wine: a silent install for the current user, then what it must have
# done (files, Start-menu entries, the .loupe file type, "Open with" on CSV and Excel, the entry in
# Apps), the installed loupe.exe run through the association's command, then the uninstaller and
# what it must have removed.
#
#   scripts/wine-installer.sh Loupe-<v>-setup.exe [FINISH_PAGE.png]
#
# With FINISH_PAGE.png, the installer also runs with its pages under Xvfb, is clicked through
# (Enter on each page), and its last page is saved as a picture.
# Needs wine (wine64); xvfb-run, xdotool and ImageMagick for the picture.
set -euo pipefail
SETUP=$(realpath "$1")
SHOT=${2:-}
export WINEPREFIX
WINEPREFIX=$(mktemp -d /tmp/loupe-wine-setup.XXXXXX)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "-- $*"; }

# shellcheck source=scripts/wine/prefix.sh
. "$(dirname "$0")/wine/prefix.sh"
wine_prefix
cp "$SETUP" "$WINEPREFIX/drive_c/setup.exe"
DIR="$WINEPREFIX/drive_c/users/$WUSER/AppData/Local/Programs/Loupe"
MENU="$WINEPREFIX/drive_c/users/$WUSER/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Loupe"
reg_value() { # reg_value KEY [VALUE]: prints the data, or nothing
  if [ -n "${2:-}" ]; then
    wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v v="$2" '$1 == v { $1 = ""; $2 = ""; sub(/^ +/, ""); print }'
  else
    wine reg query "$1" /ve 2>/dev/null | tr -d '\r' | awk '/REG_SZ/ { sub(/.*REG_SZ +/, ""); print }'
  fi
}

step "silent install (/S), for this user"
wine 'C:\setup.exe' /S
wineserver -w
[ -f "$DIR/loupe.exe" ] || fail "no loupe.exe in %LOCALAPPDATA%\\Programs\\Loupe"
[ -f "$DIR/uninstall.exe" ] || fail "no uninstaller"
[ -f "$MENU/Loupe.lnk" ] || fail "no Start-menu entry"
[ -f "$MENU/Uninstall Loupe.lnk" ] || fail "no Start-menu entry for the uninstaller"
echo "   files and Start-menu entries in place"

[ "$(reg_value 'HKCU\Software\Classes\.loupe')" = "Loupe.Project" ] || fail ".loupe is not associated"
cmd=$(reg_value 'HKCU\Software\Classes\Loupe.Project\shell\open\command')
case "$cmd" in *'loupe.exe" "%1"'*) ;; *) fail "the open command of .loupe is '$cmd'" ;; esac
for ext in .csv .xlsx; do
  wine reg query "HKCU\\Software\\Classes\\$ext\\OpenWithProgids" /v Loupe.Data >/dev/null 2>&1 \
    || fail "no Open with Loupe on $ext"
done
[ "$(reg_value 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Loupe' DisplayName)" = "Loupe" ] \
  || fail "not listed in Apps"
echo "   .loupe opens with: $cmd"
echo "   Open with Loupe on .csv and .xlsx; listed in Apps"

step "the installed program, as the association runs it"
exe_win=$(printf '%s' "$cmd" | sed 's/^"\([^"]*\)".*/\1/')
wine "$exe_win" demo --project 'C:\users\Public\demo.loupe' > /dev/null
[ -s "$WINEPREFIX/drive_c/users/Public/demo.loupe" ] || fail "the installed loupe.exe did not run"
wine "$exe_win" --version | tr -d '\r'

step "silent uninstall"
# _?= runs the uninstaller in place (otherwise it copies itself away and returns at once).
wine "$(printf 'C:\\users\\%s\\AppData\\Local\\Programs\\Loupe\\uninstall.exe' "$WUSER")" /S "_?=C:\\users\\$WUSER\\AppData\\Local\\Programs\\Loupe"
wineserver -w
rm -f "$DIR/uninstall.exe"
[ ! -e "$DIR/loupe.exe" ] || fail "loupe.exe is still installed"
[ ! -e "$MENU" ] || fail "the Start-menu folder is still there"
[ -z "$(reg_value 'HKCU\Software\Classes\.loupe')" ] || fail ".loupe is still associated"
if wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Loupe' >/dev/null 2>&1; then
  fail "still listed in Apps"
fi
if wine reg query 'HKCU\Software\Classes\.csv\OpenWithProgids' /v Loupe.Data >/dev/null 2>&1; then
  fail "Open with Loupe is still on .csv"
fi
[ -s "$WINEPREFIX/drive_c/users/Public/demo.loupe" ] || fail "the uninstaller removed a user's project"
echo "   removed; the user's project stays"

if [ -n "$SHOT" ]; then
  step "the installer's pages under Xvfb"
  # Wine's desktop process started without a display: stop it, so the installer's starts on Xvfb's.
  wineserver -k >/dev/null 2>&1 || true
  wineserver -w || true
  # Enter on the welcome page (Next) and the folder page (Install); the finish page follows.
  xvfb-run -a -s '-screen 0 1024x768x24' bash -c '
    wine "C:\\setup.exe" >/dev/null 2>&1 &
    for page in 1 2; do
      sleep 8
      xdotool key --clearmodifiers Return || true
    done
    sleep 20
    import -window root "'"$SHOT"'"
    wineserver -k
  ' || true
  [ -s "$SHOT" ] || fail "no picture of the installer"
  echo "   $SHOT"
fi
echo "installer under Wine: passed"
