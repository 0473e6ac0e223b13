/// The parts of a distribution's provider reference (`reference`, comma-separated: each SMS
/// segment id; an email's `<Message-ID>,<queue id>,envid:<distribution id>`).
public enum ProviderReference {
    /// The reference's parts, blanks trimmed, empty ones dropped.
    public static func parts(_ reference: String) -> [String] {
        reference.split(separator: ",").map { $0.trimmingBlanks }.filter { !$0.isEmpty }
    }

    /// The distribution id a part carries in itself, if it has one of the two forms Herald
    /// writes: `envid:<id>` (the DSN envelope id) or `<id@domain>` (the Message-ID the Email
    /// Monitor gives an email). A store need not index such a part: it finds the distribution by
    /// that id and checks that its reference lists the part.
    public static func namedDistributionId(_ part: String) -> String? {
        let bytes = part.utf8
        if part.hasPrefix("envid:") {
            let id = String(part.dropFirst(6))
            return id.isEmpty ? nil : id
        }
        guard bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">"),
              let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let id = String(part[bytes.index(after: bytes.startIndex)..<at])
        return id.isEmpty ? nil : id
    }
}
