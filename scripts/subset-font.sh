#!/usr/bin/env bash
# Rebuilds assets/fonts/NotoSansSC-Subset.otf, the CJK fallback font shipped in the binary:
# ASCII + Latin-1 + CJK punctuation + fullwidth forms + every GB2312 character (6,763 hanzi + symbols).
# Needs: apt-get install -y fonts-noto-cjk; pip install fonttools
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${SRC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
LIST=$(mktemp)
python3 - "$LIST" <<'PY'
import sys
chars = set(range(0x20, 0x7f)) | set(range(0xa0, 0x100)) | set(range(0x3000, 0x3040)) | set(range(0xff00, 0xffef))
chars |= {0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2026, 0x2022, 0x2030,
          0x2190, 0x2191, 0x2192, 0x2193, 0x25b2, 0x25bc, 0x2713, 0x2715}
for a in range(0xa1, 0xf8):
    for b in range(0xa1, 0xff):
        try:
            chars.add(ord(bytes([a, b]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w").write(",".join("U+%04X" % c for c in sorted(chars)))
PY
pyftsubset "$SRC" --font-number=2 --unicodes-file="$LIST" --layout-features='' --no-hinting \
  --name-IDs='*' --output-file=assets/fonts/NotoSansSC-Subset.otf
rm -f "$LIST"
ls -l assets/fonts/NotoSansSC-Subset.otf
