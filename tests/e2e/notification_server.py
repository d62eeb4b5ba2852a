#!/usr/bin/python3
"""A small org.freedesktop.Notifications service for the real-window suite.

It takes the name on the session bus it is started on (the suite's private bus),
answers GetServerInformation, GetCapabilities (with body-markup, as GNOME, KDE and
dunst do, so the app must escape what it sends) and Notify, and prints every Notify
call as one JSON line on stdout. A line "invoke ID ACTION" on stdin makes it emit
ActionInvoked(ID, ACTION), as a server does when the user clicks a notification
("default") or one of its buttons. It prints {"event": "ready"} once it owns the name,
and exits when stdin closes.

python3-dbus and python3-gi (installed by `cargo xtask setup`) provide the bus and the
main loop; run it with the system's /usr/bin/python3, which has them.
"""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def say(event):
    print(json.dumps(event), flush=True)


class Recorder(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.last_id = 0

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("athena-e2e-recorder", "Athena Desktop tests", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body", "body-markup"]

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):
        self.last_id += 1
        say(
            {
                "event": "notify",
                "id": self.last_id,
                "appName": str(app_name),
                "summary": str(summary),
                "body": str(body),
                "actions": [str(a) for a in actions],
            }
        )
        return dbus.UInt32(self.last_id)

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, notification_id):
        # 3: closed by a call to CloseNotification.
        self.NotificationClosed(notification_id, 3)

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, notification_id, reason):
        pass


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    # Fails at once if another server has the name: the test must own it.
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    recorder = Recorder(bus)
    loop = GLib.MainLoop()

    def on_stdin(source, _condition):
        line = source.readline()
        if not line:
            loop.quit()
            return False
        words = line.split()
        if len(words) == 3 and words[0] == "invoke":
            recorder.ActionInvoked(dbus.UInt32(int(words[1])), words[2])
            say({"event": "invoked", "id": int(words[1]), "action": words[2]})
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    say({"event": "ready", "name": str(name.get_name())})
    loop.run()


if __name__ == "__main__":
    main()
