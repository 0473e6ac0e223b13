import Foundation

/// A comm's document as the API serves it (`GET /v1/comms-requests/{id}/document`).
public struct RetrievedDocument: Sendable {
    public var bytes: [UInt8]
    /// `application/pdf` or `message/rfc822`.
    public var contentType: String
    /// SHA-256 of the bytes, lowercase hex (the ETag).
    public var sha256: String
    /// `local` (the merge's pack) or the long-term backend (`fs`, `s3`, `sftp`).
    public var source: String
}

/// Finds a comm's document: the local pack first (the merge's copy, fast), else — once local
/// retention has purged it — the long-term copy, decrypted by the archive, whose SHA-256 must
/// match the one recorded when it was stored (an altered object is refused, never served).
public struct DocumentRetrieval: Sendable {
    public let documents: any DocumentStore
    public let archive: (any DocumentArchive)?

    public init(documents: any DocumentStore, archive: (any DocumentArchive)?) {
        self.documents = documents
        self.archive = archive
    }

    /// The document of a request, or nil when it has none (not an email or letter, not merged
    /// yet, or merged without a document). Throws when it should be there but cannot be read.
    public func document(of detail: RequestDetail) async throws -> RetrievedDocument? {
        guard let d = detail.distribution, let local = d.fileLocation else { return nil }
        let name = (try? DocumentLocation(local))?.name ?? local
        let contentType = name.hasSuffix(".pdf") ? "application/pdf" : name.hasSuffix(".eml") ? "message/rfc822" : "application/octet-stream"
        if let data = try? await documents.read(local) {
            let bytes = [UInt8](data)
            return RetrievedDocument(bytes: bytes, contentType: contentType, sha256: DocumentChain.sha256(bytes), source: "local")
        }
        guard let stored = detail.storedDocument, stored.status == .stored, let location = stored.location, let archive else {
            throw HeraldError.notFound("the document of comms request \(detail.request.id) is no longer in the local store and has no long-term copy yet")
        }
        guard stored.backend == archive.backend else {
            throw HeraldError.unavailable("the document of comms request \(detail.request.id) is stored in \(stored.backend ?? "?"), but the configured storage backend is \(archive.backend)")
        }
        let bytes: [UInt8]
        do {
            bytes = try await archive.get(location: location)
        } catch let failure as ArchiveFailure where failure.kind == .notFound {
            throw HeraldError.notFound("the stored document of comms request \(detail.request.id) is missing from \(location)")
        } catch {
            throw HeraldError.unavailable("the stored document of comms request \(detail.request.id) cannot be read from \(location): \(error)")
        }
        let sha = DocumentChain.sha256(bytes)
        guard sha == stored.sha256 else {
            throw HeraldError.internalError("the stored document of comms request \(detail.request.id) at \(location) does not match its recorded SHA-256 (altered)")
        }
        return RetrievedDocument(bytes: bytes, contentType: contentType, sha256: sha, source: stored.backend ?? archive.backend)
    }
}
