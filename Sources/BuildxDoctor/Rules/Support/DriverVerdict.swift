import BuildxModel

/// Whether something fails on every driver a builder may run, on some of them, or on none.
enum DriverVerdict {
    case fails
    /// Fails on some possible drivers: the runner's Docker Engine configuration decides.
    case mayFail
    case works

    /// Evaluates `fails` over the builder's possible drivers.
    init(_ builder: Builder, fails: (Driver) -> Bool) {
        let failing = builder.possibleDrivers.filter(fails).count
        if failing == 0 {
            self = .works
        } else if failing == builder.possibleDrivers.count {
            self = .fails
        } else {
            self = .mayFail
        }
    }
}
