extension PrintManifest {
    /// The CSV manifest's columns, in order (its header row).
    public static let csvColumns: [String] = [
        "record_type", "batch_id", "created_at", "bureau", "piece_id", "comms_request_id", "file_name",
        "pages", "sheets", "sides", "envelope", "postage_class",
    ] + (1...maxAddressLines).map { "address_line_\($0)" } + ["country", "sha256", "letters"]

    /// The manifest as CSV (RFC 4180, UTF-8 without a byte order mark, CRLF line ends): the
    /// header row (``csvColumns``), one `L` row per letter in order, then one `C` (control) row
    /// with the batch's totals. A field is quoted only when it holds a comma, a double quote, CR
    /// or LF; quotes inside are doubled. The same manifest always gives the same bytes.
    public func csv() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256 * (letters.count + 2))
        Self.appendRow(Self.csvColumns, to: &out)
        let createdAt = Self.timestamp(createdAt)
        let noAddress = [String](repeating: "", count: Self.maxAddressLines)
        for letter in letters {
            let address = letter.addressLines + noAddress.dropFirst(letter.addressLines.count)
            Self.appendRow(["L", batchId, createdAt, bureau, letter.pieceId, letter.commsRequestId, letter.fileName,
                            String(letter.pages), String(letter.sheets), letter.sides.rawValue, letter.envelope,
                            letter.postage.rawValue] + address + [letter.country, letter.sha256, ""], to: &out)
        }
        let control = control
        Self.appendRow(["C", batchId, createdAt, bureau, "", "", "", String(control.pages), String(control.sheets), "",
                        envelope, postage.rawValue] + noAddress + ["", "", String(control.letters)], to: &out)
        return out
    }

    static func appendRow(_ fields: [String], to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let bytes = field.utf8
            if bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                out.append(UInt8(ascii: "\""))
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: bytes)
            }
        }
        out.append(0x0D)
        out.append(0x0A)
    }
}
