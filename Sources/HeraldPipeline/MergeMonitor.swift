import Foundation
import HeraldCore
import Logging
import ServiceLifecycle
import Synchronization

/// The Email Monitor and the Letter Monitor: claims distributions awaiting merge of one method,
/// merges the templates with the fields the Comms Monitor computed, renders the document
/// (an RFC 5322 message; a letter), writes it to the document store and moves the distribution
/// to `awaitingDistribution` with its file location. A template that fails moves that one
/// distribution to `errorNoRetry` with the reason; the rest of the batch goes on.
public struct MergeMonitor: Service {
    public let loop: ClaimLoop
    public let catalog: any TemplateCatalog
    public let documents: any DocumentStore
    public let emailComposer: any EmailComposer
    public let letterRenderer: any LetterRenderer
    let metrics: StageMetrics

    public var method: DeliveryMethod {
        if case .merge(let m) = loop.stage { return m }
        return .email
    }
    public var actor: String { "\(method.rawValue)-monitor" }

    public init(loop: ClaimLoop, catalog: any TemplateCatalog, documents: any DocumentStore,
                emailComposer: any EmailComposer, letterRenderer: any LetterRenderer) {
        guard case .merge = loop.stage else { preconditionFailure("a merge monitor runs a merge stage") }
        self.loop = loop
        self.catalog = catalog
        self.documents = documents
        self.emailComposer = emailComposer
        self.letterRenderer = letterRenderer
        self.metrics = StageMetrics(stage: loop.stage)
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    /// How many documents of a batch are merged at once (composition and signing use the
    /// cores; the document writes wait on the disk).
    public var concurrency = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)

    /// What merging one distribution came to.
    enum Outcome: Sendable {
        case merged(Change)
        case failed(Change)
        case handBack
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let work = items.compactMap { item in item.distribution.map { (item.request, $0) } }
        // The batch's documents go to one place (one pack file), durable together.
        let batch = documents.makeBatch(createdAt: loop.clock())
        // Merge several at once, keep the batch's order for the commit. Each of `concurrency`
        // tasks takes the next unmerged item until none is left (one child task per worker,
        // not per email: a task per email cost more than a tenth of an email's merge).
        let next = SharedCounter()
        var outcomes = [Outcome?](repeating: nil, count: work.count)
        await withTaskGroup(of: [(Int, Outcome)].self) { group in
            for _ in 0..<min(concurrency, work.count) {
                group.addTask {
                    var done: [(Int, Outcome)] = []
                    while true {
                        let index = next.take()
                        guard index < work.count else { return done }
                        let (request, d) = work[index]
                        done.append((index, await self.merge(request, d, into: batch)))
                    }
                }
            }
            for await results in group {
                for (index, outcome) in results { outcomes[index] = outcome }
            }
        }
        var changes: [Change] = []
        var handBack = false
        for outcome in outcomes {
            switch outcome {
            case .merged(let c)?, .failed(let c)?: changes.append(c)
            case .handBack?, nil: handBack = true
            }
        }
        // The documents must be on disk before the rows say where they are.
        do {
            try await batch.finish()
        } catch {
            throw DocumentStoreFailure(underlying: error)  // the batch's claims are released
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if handBack { try await loop.store.release(loop.stage, ticket: ticket) }
        metrics.outcome("merged", count: report.applied)
        loop.signals.ring(.send(method))
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    /// Merges one distribution into its document; never throws.
    func merge(_ request: CommsRequest, _ d: Distribution, into batch: any DocumentBatch) async -> Outcome {
        let now = loop.clock()
        do {
            let location = try await render(request, d, now: now, into: batch)
            var t = try DistributionTransition(distribution: d, to: .awaitingDistribution, actor: actor, reason: "merged", at: now)
            t.fileLocation = location
            // The same commit hands the document to the store stage for its long-term copy.
            let document = PendingDocument(distributionId: d.id, requestId: d.requestId, localLocation: location,
                                           fileExtension: d.method == .email ? "eml" : letterRenderer.fileExtension, mergedAt: now)
            return .merged(Change(requestId: d.requestId, distribution: t, newDocument: document))
        } catch let failure as DocumentStoreFailure {
            // Storage may come back (disk full, a network store's blip): not the template's
            // fault, so the row is handed back to be merged again, not failed.
            loop.logger.warning("document store failed; distribution handed back", metadata: [
                "comms.distribution_id": "\(d.id)", "error": "\(failure.underlying)",
            ])
            return .handBack
        } catch is CancellationError {
            return .handBack
        } catch {
            // Templates and composition are deterministic: retrying cannot help.
            let reason = "merge failed: \(error)"
            guard var t = try? DistributionTransition(distribution: d, to: .errorNoRetry, actor: actor, reason: reason, at: now) else {
                return .handBack
            }
            t.lastError = reason
            return .failed(Change(requestId: d.requestId, distribution: t, problems: [RequestProblem(kind: .error, reason: reason, at: now)],
                                  raisedEvents: [.commsNotSent(request, reason: reason, at: now)]))
        }
    }

    /// Writes a document, marking failures as the store's (they are retried, not failed).
    func store(_ data: Data, name: String, into batch: any DocumentBatch) async throws -> String {
        do {
            return try await batch.append(data, name: name)
        } catch {
            throw DocumentStoreFailure(underlying: error)
        }
    }

    /// The inline images or attachments of a code, with their bytes from the catalog. A file
    /// the catalog no longer has fails the email (the catalog checks them at load).
    func assets(_ list: [CommsCode.Asset], of code: String) throws -> [EmailAsset] {
        try list.map { asset in
            guard let data = catalog.asset(code: code, file: asset.file) else {
                throw HeraldError.notFound("comms code \(code) has no asset \(asset.file) in its assets folder")
            }
            return EmailAsset(filename: asset.file, contentId: asset.contentId, data: data)
        }
    }

    /// The PDF copy of the code's letter an email carries (code.json `email.attachLetter`): the
    /// letter template in the email's language, merged with the email's fields and rendered by the
    /// Letter Monitor's renderer. A failure fails the email, like any template failure.
    func letterCopy(named name: String, code: String, _ d: Distribution, now: Date) async throws -> EmailAsset {
        do {
            let html = try catalog.render(code: code, method: .letter, part: .html, language: d.language, fields: d.fields)
            let pdf = try await letterRenderer.render(html: html, code: code, date: now)
            return EmailAsset(filename: name, contentType: "application/pdf", data: pdf)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HeraldError.invalid("email.attachLetter", "cannot attach the letter \(name): \(error)")
        }
    }

    /// Renders and stores the document; returns its location.
    func render(_ request: CommsRequest, _ d: Distribution, now: Date, into batch: any DocumentBatch) async throws -> String {
        guard let code = catalog.code(request.commsCode) else {
            throw HeraldError.notFound("comms code \(request.commsCode) is not in the catalog")
        }
        switch d.method {
        case .email:
            guard let settings = code.email else { throw HeraldError.invalid("email", "comms code \(code.code) has no email settings") }
            let subject = try catalog.render(code: code.code, method: .email, part: .subject, language: d.language, fields: d.fields)
            let html = try catalog.render(code: code.code, method: .email, part: .html, language: d.language, fields: d.fields)
            var text: String?
            do {
                text = try catalog.render(code: code.code, method: .email, part: .text, language: d.language, fields: d.fields)
            } catch let e as HeraldError where e.kind == .notFound {
                text = nil  // the composer derives the text part from the HTML
            }
            let to = d.alias.map { "\(MailboxText.quoteDisplayName($0)) <\(d.target)>" } ?? d.target
            let domain = MailboxText.domain(of: settings.from) ?? "herald.invalid"
            // Marketing mail carries List-Unsubscribe: the `unsubscribeUrl` field (https, RFC 8058
            // one-click) when the comm has one, and a mailto naming the distribution.
            var unsubscribe: [String] = []
            if code.category == "marketing" {
                if let url = d.fields["unsubscribeUrl"], url.lowercased().hasPrefix("https://") { unsubscribe.append(url) }
                unsubscribe.append("mailto:unsubscribe@\(domain)?subject=unsubscribe%20\(d.id)")
            }
            var attachments = try assets(settings.attachments, of: code.code)
            if let name = settings.attachLetter {
                attachments.append(try await letterCopy(named: name, code: code.code, d, now: now))
            }
            let content = EmailContent(from: settings.from, to: to, replyTo: settings.replyTo, subject: subject, html: html, text: text,
                                       messageId: "<\(d.id)@\(domain)>", date: now, listUnsubscribe: unsubscribe,
                                       inlineImages: try assets(settings.inlineImages, of: code.code),
                                       attachments: attachments)
            let data = try emailComposer.compose(content)
            return try await store(data, name: "\(d.id).eml", into: batch)
        case .letter:
            let html = try catalog.render(code: code.code, method: .letter, part: .html, language: d.language, fields: d.fields)
            let data = try await letterRenderer.render(html: html, code: code.code, date: now)
            return try await store(data, name: "\(d.id).\(letterRenderer.fileExtension)", into: batch)
        default:
            throw HeraldError.invalid("deliveryMethod", "\(d.method.rawValue) is not merged by a monitor")
        }
    }
}

/// Hands out 0, 1, 2, … to the tasks of a batch.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// A document store failure, told apart from a template failure.
struct DocumentStoreFailure: Error {
    var underlying: any Error
}

/// Small helpers for addresses in headers.
public enum MailboxText {
    /// The domain of `Name <local@domain>` or `local@domain`.
    public static func domain(of address: String) -> String? {
        // The delimiters are ASCII: searched in the UTF-8 view, sliced on character boundaries.
        let inner: Substring
        if let open = address.utf8.lastIndex(of: UInt8(ascii: "<")), let close = address.utf8.lastIndex(of: UInt8(ascii: ">")), open < close {
            inner = address[address.utf8.index(after: open)..<close]
        } else {
            inner = Substring(address)
        }
        guard let at = inner.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let domain = inner[inner.utf8.index(after: at)...].trimmingBlanks
        return domain.isEmpty ? nil : domain
    }

    /// A display name quoted when it holds specials (RFC 5322 §3.2.3).
    public static func quoteDisplayName(_ name: String) -> String {
        let specials = "()<>[]:;@\\,.\"".utf8
        guard name.utf8.contains(where: { specials.contains($0) }) else { return name }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
