import Hummingbird

/// The request context of Herald's router. It carries nothing beyond Hummingbird's core
/// context: authentication is checked per route, and bodies are collected with
/// ``APIDependencies/maxBodyBytes`` as the limit.
public struct HeraldRequestContext: RequestContext {
    /// Hummingbird's core context (logger, parameters, endpoint path).
    public var coreContext: CoreRequestContextStorage

    /// Creates the context of one request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
