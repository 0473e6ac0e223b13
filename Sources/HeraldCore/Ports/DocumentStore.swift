import Foundation

/// Where generated documents (emails, letters) are written.
///
/// A merge stage writes its batch's documents through one ``DocumentBatch`` and calls
/// ``DocumentBatch/finish()`` **before** it commits the rows that record their locations: no
/// row points at a document a crash could lose, and a document no row points at is written
/// again when the row is merged again.
public protocol DocumentStore: Sendable {
    /// Starts the documents of one batch, created at `createdAt` (which names their folder).
    func makeBatch(createdAt: Date) -> any DocumentBatch
    /// Reads a document back.
    func read(_ location: String) async throws -> Data
    /// Reads many documents, one result per location, in order (stores that keep a batch's
    /// documents together read each place once).
    func readMany(_ locations: [String]) async -> [Result<[UInt8], any Error>]
}

extension DocumentStore {
    public func readMany(_ locations: [String]) async -> [Result<[UInt8], any Error>] {
        var results: [Result<[UInt8], any Error>] = []
        results.reserveCapacity(locations.count)
        for location in locations {
            do { results.append(.success([UInt8](try await read(location)))) } catch { results.append(.failure(error)) }
        }
        return results
    }
}

/// The documents of one batch being written. `append` may be called from several tasks at once.
public protocol DocumentBatch: Sendable {
    /// Adds a document called `name` (unique within the store, e.g. `<distribution id>.eml`)
    /// and returns its location. A failure concerns this document only.
    func append(_ data: Data, name: String) async throws -> String
    /// Makes every appended document durable; the batch takes no more documents.
    func finish() async throws
}

/// A document store whose packs can be purged once their documents are stored long-term and
/// sent (`documents.local.retention.days`).
public protocol PurgeableDocumentStore: DocumentStore {
    /// The packs (locations before the `#`, e.g. `fs:2026/12/07/08/<id>.pack`) written wholly
    /// before `date`.
    func packs(createdBefore date: Date) async throws -> [String]
    /// Deletes a pack.
    func removePack(_ pack: String) async throws
}
