extension EngineSetup {
    /// Why the installed engine runs the image store it does, for a finding's message; `certain` is false
    /// when the finding only says "may" (the runner's own configuration may decide).
    func storeReason(certain: Bool) -> String {
        switch storeSource {
        case .daemonConfig(.known(true)): return "its `daemon-config` turns on `containerd-snapshotter`"
        case .daemonConfig(.known(false)): return "its `daemon-config` turns off `containerd-snapshotter`"
        case .daemonConfig(.unknown): return "an expression in its `daemon-config` decides the image store"
        case .version(let text, let major):
            let written = Quoted.code("version: " + (text.isEmpty ? "latest" : text))
            guard possibleImageStores.count == 1 else { return "\(written) does not say which image store it starts with" }
            let installs =
                possibleImageStores == [.classic]
                ? "\(written) installs Docker Engine \(major.map(String.init) ?? "?"), which starts with the classic image store"
                : "\(written) installs Docker Engine \(EngineSetup.firstMajorWithContainerdStore) or later, which starts with the containerd image store"
            return certain ? installs : installs + ", unless the runner's own `/etc/docker/daemon.json`, which the action merges in, chooses the other"
        }
    }
}
