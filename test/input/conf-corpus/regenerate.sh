#!/bin/sh
# Regenerates the expected outcomes (*.expected.json) of the corpus from the real servers:
#   sh test/input/conf-corpus/regenerate.sh   (as root: the server runs as uid 65534)
# Each NAME.conf is copied as postgresql.conf into an empty directory used as data directory, and
# `postgres -D DIR -C SETTING` is run for every version and every setting named in NAME.settings
# (work_mem when absent). Paths in the server's messages are replaced by $FILE.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
for conf in "$here"/*.conf; do
  name=$(basename "$conf" .conf)
  settings=$(cat "$here/$name.settings" 2>/dev/null || echo work_mem)
  out="$here/$name.expected.json"
  printf '{\n' > "$out"
  first=1
  for v in 13 14 15 16 17 18; do
    bin="$root/node_modules/pg$v/native/bin/postgres"
    [ -x "$bin" ] || continue
    dir=$(mktemp -d); chmod 755 "$dir"; cp "$conf" "$dir/postgresql.conf"; chmod 644 "$dir/postgresql.conf"
    values=""; ok=true; log=""
    for s in $settings; do
      if val=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -D "$dir" -C "$s" 2>"$dir/err"); then
        values="$values\"$s\": \"$val\", "
      else
        ok=false; log=$(sed -n 's/^.*\] \(LOG\|HINT\|DETAIL\):  //p' "$dir/err" | grep -v '^skipping missing' | sed "s|$dir/postgresql.conf|\$FILE|g")
      fi
    done
    [ $first = 1 ] || printf ',\n' >> "$out"; first=0
    if [ $ok = true ]; then
      printf '  "%s": { "ok": true, "values": { %s } }' "$v" "$(echo "$values" | sed 's/, $//')" >> "$out"
    else
      printf '  "%s": { "ok": false, "lines": %s }' "$v" "$(printf '%s' "$log" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(s.split("\n").filter(Boolean))))')" >> "$out"
    fi
    rm -rf "$dir"
  done
  printf '\n}\n' >> "$out"
done
