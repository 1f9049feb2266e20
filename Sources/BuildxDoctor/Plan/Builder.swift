import BuildxModel

/// The builder a build runs on, as far as the plan can tell.
public enum BuilderState: Sendable {
    case known(Builder)
    /// Something the plan cannot follow decides the builder; the text says what.
    case unknown(reason: String)

    public var builder: Builder? {
        if case .known(let builder) = self { return builder }
        return nil
    }
}

/// A builder: the drivers it may run (one when everything is known; the docker driver with either
/// image store when the runner's Docker Engine is not known) and where it came from.
public struct Builder: Sendable {
    public enum Origin: Sendable, Equatable {
        /// The runner's default builder: the Docker Engine's own BuildKit.
        case runnerDefault
        /// Created by the step at this index (setup-buildx-action, `docker buildx create`).
        case step(index: Int)
    }

    public let possibleDrivers: [Driver]
    public let origin: Origin

    public init(possibleDrivers: [Driver], origin: Origin) {
        self.possibleDrivers = possibleDrivers
        self.origin = origin
    }
}

/// How a step changes the job's builder.
public enum BuilderChange: Sendable {
    /// Creates a builder. `driver` is `nil` for the docker driver, which is the runner's Docker Engine
    /// rather than a new BuildKit. With `makesCurrent` false (setup-buildx-action `use: false`) later
    /// builds only reach it by name.
    case create(driver: Value<Driver?>, makesCurrent: Bool, driverSpan: Span?)
    /// Changes the builder or the Docker Engine in a way the plan cannot follow.
    case unknown(reason: String)
}

/// Which builder a build asks for.
public enum BuilderSelection: Sendable {
    /// The current builder (no `builder:` input, or an empty one).
    case current
    /// The builder created by the step with this `id` (`${{ steps.<id>.outputs.name }}`).
    case createdByStep(id: String, span: Span)
    /// Any other name or expression.
    case other(String, span: Span)
}
