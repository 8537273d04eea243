#!/bin/sh
# Put annotator in this user's application menu (Linux, freedesktop.org menus).
#
# Run from the unpacked bundle:  ./install-desktop-entry.sh   (or --uninstall)
# Writes $XDG_DATA_HOME/applications/annotator.desktop (default ~/.local/share) with
# Exec= pointing at this folder's executable, the icon into the hicolor theme, and a
# link ~/.local/bin/annotator so the command line works too. Needs no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor
bin=$HOME/.local/bin

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/annotator.desktop" "$icons/256x256/apps/annotator.png" \
          "$icons/scalable/apps/annotator.svg"
    [ -L "$bin/annotator" ] && rm -f "$bin/annotator"
    echo "annotator removed from the application menu"
    exit 0
fi

[ -x "$here/annotator" ] || { echo "install-desktop-entry.sh: $here/annotator not found" >&2; exit 1; }
mkdir -p "$apps" "$icons/256x256/apps" "$icons/scalable/apps" "$bin"
cp "$here/share/icons/hicolor/256x256/apps/annotator.png" "$icons/256x256/apps/annotator.png"
cp "$here/share/icons/hicolor/scalable/apps/annotator.svg" "$icons/scalable/apps/annotator.svg"
# Exec/TryExec get the absolute path (quoted per the Desktop Entry spec).
sed -e "s|^Exec=annotator|Exec=\"$here/annotator\"|" \
    -e "s|^TryExec=annotator|TryExec=$here/annotator|" \
    -e "/^# install-desktop-entry.sh/d" \
    "$here/share/applications/annotator.desktop" > "$apps/annotator.desktop"
ln -sfn "$here/annotator" "$bin/annotator"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "annotator added to the application menu ($apps/annotator.desktop); command: $bin/annotator"
