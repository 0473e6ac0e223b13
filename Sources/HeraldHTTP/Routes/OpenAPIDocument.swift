import Foundation

/// The OpenAPI 3.1 document of the API, shipped as a resource of this module.
public enum OpenAPIDocument {
    /// The bytes of `openapi.json`, read once; nil if the resource is missing.
    public static let data: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }
}
