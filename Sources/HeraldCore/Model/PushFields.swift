/// The keys of a push distribution's `fields` that shape the notification beside its
/// `message` (the body text): the merge writes them from the catalog's push template, the
/// push transmitter reads them.
public enum PushFields {
    /// The notification title.
    public static let title = "push.title"
    /// The badge number (a whole number as text).
    public static let badge = "push.badge"
    /// The sound name (`default`).
    public static let sound = "push.sound"
    /// Custom data: a JSON object as text (APNs: beside `aps`; FCM: `data`, values as strings).
    public static let data = "push.data"
    /// The collapse id (APNs `apns-collapse-id`, FCM `collapse_key`).
    public static let collapseId = "push.collapseId"
    /// Until when the push is worth delivering (ISO 8601); one past it is not sent.
    public static let expiresAt = "push.expiresAt"

    /// Every key, in the order above.
    public static let all = [title, badge, sound, data, collapseId, expiresAt]
}
