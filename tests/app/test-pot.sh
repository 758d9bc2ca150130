#!/bin/sh
# The translation template builds from po/POTFILES.in, holds the app's
# strings, and POTFILES.in lists every source file with translatable strings.
# usage: test-pot.sh SOURCE_ROOT OUTPUT.pot
set -u
src="$1"
out="$2"
status=0

cd "$src" || exit 1

# 1. Every listed file exists.
grep -v '^#' po/POTFILES.in | sed '/^[[:space:]]*$/d' > "$out.list"
while read -r f; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist"
    status=1
  fi
done < "$out.list"

# 2. Every file with translatable strings is listed.
for f in $(grep -rlE '(^|[^A-Za-z0-9_])(N?_|C_|NC_|ngettext|g_dngettext) ?\(' --include='*.c' app data widgets matcher 2>/dev/null) \
         $(grep -rl 'translatable="yes"' --include='*.ui' resources 2>/dev/null) \
         resources/org.ridgeline.Workstation.desktop.in \
         resources/org.ridgeline.Workstation.metainfo.xml.in \
         resources/org.ridgeline.Workstation.gschema.xml; do
  if ! grep -qxF "$f" "$out.list"; then
    echo "$f has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done

# 3. xgettext over the list (as meson's ridgeline-pot target runs it) succeeds.
if ! xgettext --package-name=ridgeline --files-from=po/POTFILES.in --directory="$src" \
     --output="$out" --from-code=UTF-8 --add-comments \
     --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
     --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=g_dpgettext2:2c,3 \
     --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format; then
  echo "xgettext failed"
  exit 1
fi

# 4. The template holds strings from C, .ui, desktop and metainfo files.
for s in 'msgid "Sign In"' 'msgid "Work Queue"' 'msgid "_Choose Another Workspace…"' \
         'msgid "Fingerprint Examination Workstation"' 'msgid "Check what automated fingerprint matching says"'; do
  if ! grep -qF "$s" "$out"; then
    echo "the template lacks $s"
    status=1
  fi
done
echo "$(grep -c '^msgid ' "$out") messages in $out"
exit $status
