import Foundation

/// Which part of a comm a template renders.
public enum TemplatePart: String, Sendable, Hashable, CaseIterable {
    /// The message text of SMS, push, online and external comms.
    case body
    /// The email subject line.
    case subject
    /// The title of a push (code.json `push.title`).
    case title
    /// The HTML of an email or a letter.
    case html
    /// The plain-text alternative of an email.
    case text
}

/// The catalog of comms codes and templates, as the pipeline sees it. Implemented by
/// `HeraldCatalog` (a folder of definition files and Mustache templates).
public protocol TemplateCatalog: Sendable {
    /// Every comms code, in code order.
    var codes: [CommsCode] { get }
    /// The definition of `code`, or nil.
    func code(_ code: String) -> CommsCode?
    /// Whether a template exists for that part in that language (exactly, no fallback).
    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool
    /// Merges the template for `part`, in `language` or the catalog's fallback language.
    /// Throws a ``HeraldError`` naming the template when it is missing or fails to render.
    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String
    /// The bytes of `file` in the code's `assets/` folder (an inline image or attachment named
    /// in its email settings), read when the catalog loaded; nil when there is none.
    func asset(code: String, file: String) -> Data?
    /// The trigger configured as `id` (`triggers/<id>.json`) for external notifications; nil when none.
    func trigger(_ id: String) -> ConfiguredTrigger?
    /// The languages with at least one template for `code`, sorted (the catalog page).
    func languages(of code: String) -> [String]
}

extension TemplateCatalog {
    /// No assets (catalogs without files beside their templates).
    public func asset(code: String, file: String) -> Data? { nil }

    /// No languages listed (catalogs that cannot tell).
    public func languages(of code: String) -> [String] { [] }

    /// No configured triggers (catalogs without a `triggers/` folder).
    public func trigger(_ id: String) -> ConfiguredTrigger? { nil }

    /// Comms codes raised by a workflow event.
    public func codes(linkedToEventType type: String, eventCode: String) -> [CommsCode] {
        codes.filter { $0.isLinked(eventType: type, eventCode: eventCode) }
    }
}
