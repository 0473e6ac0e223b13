extension PrintManifest {
    /// The XML manifest's namespace; the `1` changes only with an incompatible layout.
    public static let xmlNamespace = "urn:herald:print-manifest:1"

    /// The manifest as XML 1.0 (UTF-8, no byte order mark, LF line ends, two-space indent) in
    /// ``xmlNamespace``, valid against `docs/print-manifest.xsd`:
    ///
    /// ```xml
    /// <manifest xmlns="urn:herald:print-manifest:1" batchId="…" createdAt="…Z" bureau="…" postageClass="first" envelope="C5">
    ///   <letter pieceId="…" commsRequestId="…" fileName="….pdf" pages="3" sheets="2" sides="duplex"
    ///           envelope="C5" postageClass="first" sha256="…">
    ///     <address country="GB"><line>…</line>…</address>
    ///   </letter>
    ///   <control letters="1" pages="3" sheets="2"/>
    /// </manifest>
    /// ```
    ///
    /// Address lines are element text, so a line feed inside one is kept as is; a carriage
    /// return is written `&#13;` (a parser would otherwise turn CRLF into LF). The same manifest
    /// always gives the same bytes.
    public func xml() -> [UInt8] {
        var out = ""
        out.reserveCapacity(512 * (letters.count + 1))
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<manifest xmlns=\"\(Self.xmlNamespace)\" batchId=\"\(Self.attribute(batchId))\""
        out += " createdAt=\"\(Self.timestamp(createdAt))\" bureau=\"\(Self.attribute(bureau))\""
        out += " postageClass=\"\(postage.rawValue)\" envelope=\"\(Self.attribute(envelope))\">\n"
        for letter in letters {
            out += "  <letter pieceId=\"\(Self.attribute(letter.pieceId))\""
            out += " commsRequestId=\"\(Self.attribute(letter.commsRequestId))\""
            out += " fileName=\"\(Self.attribute(letter.fileName))\" pages=\"\(letter.pages)\" sheets=\"\(letter.sheets)\""
            out += " sides=\"\(letter.sides.rawValue)\" envelope=\"\(Self.attribute(letter.envelope))\""
            out += " postageClass=\"\(letter.postage.rawValue)\" sha256=\"\(letter.sha256)\">\n"
            out += "    <address country=\"\(Self.attribute(letter.country))\">\n"
            for line in letter.addressLines {
                out += "      <line>\(Self.text(line))</line>\n"
            }
            out += "    </address>\n"
            out += "  </letter>\n"
        }
        let control = control
        out += "  <control letters=\"\(control.letters)\" pages=\"\(control.pages)\" sheets=\"\(control.sheets)\"/>\n"
        out += "</manifest>\n"
        return Array(out.utf8)
    }

    /// `value` escaped for element text: `&`, `<`, `>` and CR.
    static func text(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 0x0D })
        else { return value }
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `value` escaped for a double-quoted attribute: `&`, `<`, `>`, `"` and tab, LF, CR as
    /// character references (attribute normalisation would turn them into spaces).
    static func attribute(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
