# Sourced by scripts/wine-smoke.sh and scripts/wine-installer.sh: a throw-away Wine prefix in
# $WINEPREFIX, ready for loupe.exe. Wine 8 (Debian 12) has no bcryptprimitives.dll, which Rust's
# standard library needs on Windows 10 and later; the stand-in in scripts/wine/ is compiled with
# mingw-w64 and put in the prefix's system32 then.
wine_prefix() {
  export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LANG=C.UTF-8 LC_ALL=C.UTF-8
  wineboot -i >/dev/null 2>&1 || { echo "FAILED: wineboot could not create a prefix" >&2; return 1; }
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
    local here
    here=$(dirname "${BASH_SOURCE[0]}")
    x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" \
      "$here/bcryptprimitives.c" -ladvapi32
    echo "   (this Wine has no bcryptprimitives.dll: the stand-in from scripts/wine/ is in its system32)"
  fi
  WUSER=$(wine cmd /c 'echo %USERNAME%' 2>/dev/null | tr -d '\r\n')
  export WUSER
}
