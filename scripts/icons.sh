#!/usr/bin/env bash
# Renders the app icon (assets/icons/loupe.svg) to the PNG sizes the Linux desktop uses and to the
# Windows .ico. The results are committed; run this only after changing the SVG.
# Needs rsvg-convert (librsvg2-bin) and icotool (icoutils).
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
for s in 16 24 32 48 64 128 256; do
  rsvg-convert -w "$s" -h "$s" loupe.svg -o "loupe-$s.png"
done
# The 256 px image is stored as PNG inside the .ico (-r), as Windows Vista and later expect.
icotool -c -o loupe.ico loupe-16.png loupe-24.png loupe-32.png loupe-48.png loupe-64.png loupe-128.png -r loupe-256.png
ls -l
