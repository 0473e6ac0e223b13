import Foundation
import HeraldCore
import Logging
import Synchronization

/// A catalog read from a folder that can be re-read while Herald runs (after an edit, on
/// SIGHUP or an admin call). A reload that finds errors changes nothing: the catalog in use
/// stays, so a bad edit never takes templates away from the pipeline.
public final class ReloadableCatalog: TemplateCatalog, Sendable {
    /// The catalog folder.
    public let directory: URL
    /// The field registry templates are checked against.
    public let registry: DefaultFieldRegistry
    /// Millimetres from the left page edge letters must leave empty (0: not checked).
    public let letterClearStrip: Double
    private let current: Mutex<LoadedCatalog>
    private let logger: Logger

    /// Loads the catalog at `directory`.
    /// - Parameter letterClearStrip: see ``CatalogLoader/load(from:registry:letterClearStrip:)``.
    /// - Throws: ``CatalogLoadError`` when it has errors.
    public init(
        directory: URL, registry: DefaultFieldRegistry = .standard,
        letterClearStrip: Double = CatalogLoader.defaultLetterClearStrip, logger: Logger = Logger(label: "herald.catalog")
    ) throws {
        let catalog = try CatalogLoader.load(from: directory, registry: registry, letterClearStrip: letterClearStrip)
        self.directory = directory
        self.registry = registry
        self.letterClearStrip = letterClearStrip
        self.logger = logger
        self.current = Mutex(catalog)
        logger.info("catalog loaded", metadata: [
            "catalog.directory": "\(directory.path)", "catalog.codes": "\(catalog.codes.count)",
            "catalog.warnings": "\(catalog.warnings.count)",
        ])
    }

    /// The catalog in use now (a snapshot: a later reload does not change it).
    public var catalog: LoadedCatalog {
        current.withLock { $0 }
    }

    /// Re-reads the folder and, when it loads without errors, puts it in use.
    /// - Returns: the new catalog's warnings.
    /// - Throws: ``CatalogLoadError`` when the folder has errors; the old catalog stays in use.
    @discardableResult
    public func reload() throws -> [CatalogIssue] {
        let fresh: LoadedCatalog
        do {
            fresh = try CatalogLoader.load(from: directory, registry: registry, letterClearStrip: letterClearStrip)
        } catch let error as CatalogLoadError {
            logger.warning("catalog reload refused; keeping the catalog in use", metadata: [
                "catalog.directory": "\(directory.path)", "catalog.errors": "\(error.errors.count)",
            ])
            throw error
        }
        current.withLock { $0 = fresh }
        logger.info("catalog reloaded", metadata: [
            "catalog.directory": "\(directory.path)", "catalog.codes": "\(fresh.codes.count)",
            "catalog.warnings": "\(fresh.warnings.count)",
        ])
        return fresh.warnings
    }

    /// Every comms code, in code order.
    public var codes: [CommsCode] { catalog.codes }

    /// The definition of `code`, or nil.
    public func code(_ code: String) -> CommsCode? {
        catalog.code(code)
    }

    /// Whether a template exists for that part in exactly that language (no fallback).
    public func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool {
        catalog.hasTemplate(code: code, method: method, part: part, language: language)
    }

    /// The bytes of an `assets/` file named in `code`'s email settings, or nil.
    public func asset(code: String, file: String) -> Data? {
        catalog.asset(code: code, file: file)
    }

    /// The languages with at least one template for `code`, sorted.
    public func languages(of code: String) -> [String] {
        catalog.languages(of: code)
    }

    /// The trigger configured as `id` (`triggers/<id>.json`), or nil.
    public func trigger(_ id: String) -> ConfiguredTrigger? {
        catalog.trigger(id)
    }

    /// Merges the template for `part` in `language` or a fallback; see ``LoadedCatalog``.
    public func render(
        code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]
    ) throws -> String {
        try catalog.render(code: code, method: method, part: part, language: language, fields: fields)
    }
}
