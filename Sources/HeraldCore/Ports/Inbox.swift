import Foundation

/// One comm in a customer's online inbox: an `online` distribution that was published
/// (`published`, or `delivered` when a portal confirmed it).
public struct InboxItem: Sendable, Hashable {
    public var requestId: String
    public var commsCode: String
    /// The merged online text.
    public var message: String
    public var priority: Int
    /// When it was published (the distribution's sent time).
    public var publishedAt: Date?
    /// When the customer first read it (the ReadDateTime of the system we re-build).
    public var readAt: Date?

    public init(requestId: String, commsCode: String, message: String, priority: Int, publishedAt: Date?, readAt: Date?) {
        self.requestId = requestId
        self.commsCode = commsCode
        self.message = message
        self.priority = priority
        self.publishedAt = publishedAt
        self.readAt = readAt
    }
}

/// A page of a customer's inbox, newest first.
public struct InboxPage: Sendable, Hashable {
    public var items: [InboxItem]
    /// Opaque: pass as `cursor` for the next page; nil on the last.
    public var nextCursor: String?
    /// Items of the whole inbox not read yet.
    public var unread: Int

    public init(items: [InboxItem], nextCursor: String?, unread: Int) {
        self.items = items
        self.nextCursor = nextCursor
        self.unread = unread
    }
}

/// The portal's view of online comms: only the customer's own, only published ones.
public protocol InboxStore: Sendable {
    /// The customer's inbox, newest first (`limit` items after `cursor`), with the unread count.
    func inbox(customerId: String, limit: Int, cursor: String?) async throws -> InboxPage
    /// One item of the customer's inbox; nil when the request is not a published online comm of
    /// this customer (another customer's comm is never shown).
    func inboxItem(customerId: String, requestId: String) async throws -> InboxItem?
    /// Records the first read of an item (`readAt`, with a history row); a second read changes
    /// nothing. Throws `notFound` when the item is not in this customer's inbox.
    func markRead(customerId: String, requestId: String, actor: String, at: Date) async throws -> InboxItem
}
