#!/usr/bin/env bash
# Builds Loupe's installers and packages into dist/:
#
#   scripts/package.sh linux   [BINARY]   dist/loupe_<v>_amd64.deb and dist/loupe-<v>-x86_64-linux.tar.gz
#   scripts/package.sh windows [EXE]      dist/Loupe-<v>-setup.exe (NSIS; per-user, no administrator)
#   scripts/package.sh macos   [BINARY]   dist/Loupe.app and dist/Loupe-<v>.dmg (on macOS only)
#   scripts/package.sh all                linux and windows
#
# DIST=<folder> writes elsewhere than dist/; XZ_LEVEL=0 and NSIS_FAST=1 compress the .deb and the
# Windows installer fast (CI).
# Without BINARY/EXE the release build is used, built first when missing:
#   linux:   cargo build --release --locked
#   windows: cargo build --release --locked --target x86_64-pc-windows-gnu --features vendored-openssl
# Binaries are stripped on the way into the package (the source build keeps its line tables).
# The user guide goes in when docs/<lang>/book is built (mdbook build docs/en docs/zh-CN), else
# the package says it is left out.
#
# Needs: dpkg-deb (linux); mingw-w64 and nsis (windows): apt-get install mingw-w64 nsis.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DIST=${DIST:-$ROOT/dist}
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
WIN_TARGET=x86_64-pc-windows-gnu
mkdir -p "$DIST"

die() { echo "error: $*" >&2; exit 1; }

# LICENSES.txt: Loupe's licence and those of what it bundles (fonts, sample data).
licences() {
  {
    echo "Loupe $VERSION"
    echo "Licensed under the MIT licence or the Apache License 2.0, at your option."
    echo
    echo "Loupe bundles the following, under their own licences."
    echo
    echo "== Noto Sans SC (subset), SIL Open Font License 1.1"
    cat assets/fonts/LICENSE-OFL.txt
    echo
    echo "== emoji-icon-font (subset), MIT"
    cat assets/fonts/LICENSE-emoji-icon-font.txt
    echo
    echo "== egui's default fonts: Ubuntu Light (Ubuntu Font Licence 1.0), Hack (MIT, Bitstream Vera),"
    echo "   Noto Emoji (SIL Open Font License 1.1)"
    echo
    echo "== Sample data (loupe demo): orders and products derive from the UCI Online Retail dataset"
    echo "   (Chen, Sain & Guo 2012), CC BY 4.0, https://creativecommons.org/licenses/by/4.0/."
    echo "   Everything else in the sample is generated and describes no real people."
  } > "$1"
}

# Copies the built guide (both languages) into $1/<lang>, when it is built.
guide_into() {
  local dest=$1 copied=0
  for lang in en zh-CN; do
    if [ -f "docs/$lang/book/index.html" ]; then
      mkdir -p "$dest"
      rm -rf "${dest:?}/$lang"
      cp -r "docs/$lang/book" "$dest/$lang"
      copied=$((copied + 1))
    fi
  done
  if [ "$copied" -eq 0 ]; then
    echo "note: the user guide is not built (mdbook build docs/en && mdbook build docs/zh-CN); packaged without it"
  fi
}

linux() {
  local bin=${1:-$TARGET/release/loupe}
  if [ ! -x "$bin" ]; then
    [ -z "${1:-}" ] || die "$bin: no such executable"
    cargo build --release --locked
  fi
  command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (apt-get install dpkg)"
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN

  # The file tree both packages share, under usr/.
  local usr=$work/deb/usr
  install -D -m 0755 "$bin" "$usr/bin/loupe"
  strip --strip-all "$usr/bin/loupe"
  install -D -m 0644 assets/linux/loupe.desktop "$usr/share/applications/loupe.desktop"
  install -D -m 0644 assets/linux/loupe-mime.xml "$usr/share/mime/packages/loupe.xml"
  for s in 16 24 32 48 64 128 256; do
    install -D -m 0644 "assets/icons/loupe-$s.png" "$usr/share/icons/hicolor/${s}x${s}/apps/loupe.png"
  done
  install -D -m 0644 assets/icons/loupe.svg "$usr/share/icons/hicolor/scalable/apps/loupe.svg"
  guide_into "$usr/share/loupe/guide"
  mkdir -p "$usr/share/doc/loupe"
  licences "$usr/share/doc/loupe/copyright"
  gzip -9n < CHANGELOG.md > "$usr/share/doc/loupe/changelog.gz"

  # The newest glibc symbol version the binary needs.
  local glibc
  glibc=$(objdump -T "$usr/bin/loupe" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  local size
  size=$(du -sk "$work/deb" | cut -f1)
  mkdir -p "$work/deb/DEBIAN"
  cat > "$work/deb/DEBIAN/control" <<EOF
Package: loupe
Version: $VERSION
Architecture: amd64
Maintainer: Loupe developers <loupe@users.noreply.github.com>
Installed-Size: $size
Depends: libc6 (>= $glibc), libgcc-s1, libssl3
Recommends: libgl1, libegl1, libvulkan1, libx11-6, libxcursor1, libxrandr2, libxi6, libxkbcommon-x11-0, libwayland-client0, libwayland-egl1, xdg-utils
Suggests: fonts-noto-cjk
Section: misc
Priority: optional
Homepage: https://github.com/loupe-analytics/loupe
Description: local-first marketing analytics workbench
 Loupe opens the files shop systems export (orders, customers, products,
 events, campaign spend), cleans them, profiles customers (RFM, lifetime
 value), builds segments, previews recommendations, measures campaigns and
 exports customer lists, on your own computer, without sending data anywhere.
 .
 Run loupe for the window (English and Simplified Chinese), or
 loupe --help for the same work from the command line.
EOF
  local deb=$DIST/loupe_${VERSION}_amd64.deb
  # XZ_LEVEL=0 packs fast (CI); the default packs small (releases).
  dpkg-deb --root-owner-group -Zxz -z"${XZ_LEVEL:-6}" --build "$work/deb" "$deb" >/dev/null
  echo "built $deb ($(du -h "$deb" | cut -f1))"

  # The tarball: the same files, and install.sh for a per-user install under ~/.local.
  local name=loupe-$VERSION-x86_64-linux
  local tdir=$work/tar/$name
  mkdir -p "$tdir"
  cp -r "$usr/bin" "$usr/share" "$tdir/"
  mv "$tdir/share/doc/loupe/copyright" "$tdir/LICENSES.txt"
  rm -rf "$tdir/share/doc"
  cat > "$tdir/install.sh" <<'EOF'
#!/bin/sh
# Installs Loupe for the current user under ~/.local (or PREFIX): the program, its menu entry,
# icon, the .loupe file type and the user guide. Remove it again with: ./install.sh --uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
files="bin/loupe share/applications/loupe.desktop share/mime/packages/loupe.xml share/icons/hicolor/scalable/apps/loupe.svg"
for s in 16 24 32 48 64 128 256; do files="$files share/icons/hicolor/${s}x${s}/apps/loupe.png"; done
if [ "${1:-}" = "--uninstall" ]; then
  for f in $files; do rm -f "$prefix/$f"; done
  rm -rf "$prefix/share/loupe"
else
  for f in $files; do mkdir -p "$(dirname "$prefix/$f")"; cp "$here/$f" "$prefix/$f"; done
  if [ -d "$here/share/loupe" ]; then mkdir -p "$prefix/share"; cp -r "$here/share/loupe" "$prefix/share/"; fi
fi
command -v update-mime-database >/dev/null && update-mime-database "$prefix/share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/share/applications" || true
echo "done: $prefix/bin/loupe (add $prefix/bin to PATH if it is not)"
EOF
  chmod +x "$tdir/install.sh"
  local tgz=$DIST/$name.tar.gz
  tar -C "$work/tar" --owner=0 --group=0 -czf "$tgz" "$name"
  echo "built $tgz ($(du -h "$tgz" | cut -f1))"
}

windows() {
  local exe=${1:-$TARGET/$WIN_TARGET/release/loupe.exe}
  if [ ! -f "$exe" ]; then
    [ -z "${1:-}" ] || die "$exe: no such file"
    cargo build --release --locked --target "$WIN_TARGET" --features vendored-openssl
  fi
  command -v makensis >/dev/null || die "makensis is missing (apt-get install nsis)"
  command -v x86_64-w64-mingw32-strip >/dev/null || die "mingw-w64 is missing (apt-get install mingw-w64)"
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  cp "$exe" "$work/loupe.exe"
  x86_64-w64-mingw32-strip --strip-all "$work/loupe.exe"
  cp assets/icons/loupe.ico "$work/loupe.ico"
  licences "$work/LICENSES.txt"
  sed -i 's/$/\r/' "$work/LICENSES.txt"
  guide_into "$work/guide"
  local out=$DIST/Loupe-$VERSION-setup.exe
  # NSIS_FAST=1 packs with zlib, in seconds instead of minutes (CI); releases use solid LZMA.
  local fast=()
  if [ -n "${NSIS_FAST:-}" ]; then fast=(-X"SetCompressor /FINAL zlib"); fi
  makensis -V2 "${fast[@]}" -DVERSION="$VERSION" -DSRCDIR="$work" -DOUTFILE="$out" assets/windows/installer.nsi
  echo "built $out ($(du -h "$out" | cut -f1))"
}

macos() {
  [ "$(uname -s)" = Darwin ] || die "the macOS bundle needs macOS (iconutil, hdiutil); the configuration is assets/macos/Info.plist"
  local bin=${1:-$TARGET/release/loupe}
  [ -x "$bin" ] || cargo build --release --locked
  local app=$DIST/Loupe.app
  rm -rf "$app"
  mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
  cp "$bin" "$app/Contents/MacOS/loupe"
  sed "s/@VERSION@/$VERSION/g" assets/macos/Info.plist > "$app/Contents/Info.plist"
  local set
  set=$(mktemp -d)/loupe.iconset
  mkdir -p "$set"
  for s in 16 32 128 256; do cp "assets/icons/loupe-$s.png" "$set/icon_${s}x${s}.png"; done
  iconutil -c icns "$set" -o "$app/Contents/Resources/loupe.icns"
  guide_into "$app/Contents/Resources/guide"
  hdiutil create -volname Loupe -srcfolder "$app" -ov -format UDZO "$DIST/Loupe-$VERSION.dmg"
}

case "${1:-all}" in
  linux) linux "${2:-}" ;;
  windows) windows "${2:-}" ;;
  macos) macos "${2:-}" ;;
  all) linux; windows ;;
  *) die "usage: scripts/package.sh linux|windows|macos|all [BINARY]" ;;
esac
