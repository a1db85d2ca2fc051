#!/bin/sh
# Regenerate the translation sources (.ts) from gui/ and nodes/ and compile them (.qm).
#
#   resources/translations/update.sh             refresh every journey_studio_<locale>.ts here
#   resources/translations/update.sh de_DE ...   refresh them and start files for new locales
#
# Finished translations are kept; strings gone from the code are dropped. The app loads
# journey_studio_<locale>.qm for the system locale (gui/app.py, install_translations).
# Set LUPDATE / LRELEASE to use tools that are not on PATH.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LUPDATE=${LUPDATE:-pyside6-lupdate}
LRELEASE=${LRELEASE:-pyside6-lrelease}

locales=""
for ts in "$here"/journey_studio_*.ts; do
    [ -e "$ts" ] || continue
    name=$(basename "$ts" .ts)
    locales="$locales ${name#journey_studio_}"
done
locales="$locales $*"
if [ -z "$(echo "$locales" | tr -d ' ')" ]; then
    echo "no journey_studio_<locale>.ts in $here; name a locale to start one, e.g. zh_CN" >&2
    exit 1
fi

cd "$root"
for locale in $(printf '%s\n' $locales | sort -u); do
    ts="$here/journey_studio_$locale.ts"
    "$LUPDATE" -silent -extensions py -locations relative -no-obsolete -target-language "$locale" \
        gui nodes -ts "$ts"
    "$LRELEASE" -silent "$ts" -qm "$here/journey_studio_$locale.qm"
done
