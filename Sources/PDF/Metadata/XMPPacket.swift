/// The XMP metadata packet of a PDF/A-2b document, mirroring the Info dictionary
/// (dc:title, dc:creator, dc:description, pdf:Keywords, pdf:Producer, xmp:CreatorTool, dates)
/// and declaring `pdfaid:part 2`, `pdfaid:conformance B`.
enum XMPPacket {
    static func build(options: PDFOptions) -> [UInt8] {
        var xml = "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        xml += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        xml += "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
        xml += "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n"

        xml += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        xml += "<dc:format>application/pdf</dc:format>\n"
        if let title = options.title {
            xml += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escape(title))</rdf:li></rdf:Alt></dc:title>\n"
        }
        if let author = options.author {
            xml += "<dc:creator><rdf:Seq><rdf:li>\(escape(author))</rdf:li></rdf:Seq></dc:creator>\n"
        }
        if let subject = options.subject {
            xml += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escape(subject))</rdf:li></rdf:Alt></dc:description>\n"
        }
        xml += "</rdf:Description>\n"

        xml += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
        xml += "<pdf:Producer>\(escape(options.producer))</pdf:Producer>\n"
        if let keywords = options.keywords {
            xml += "<pdf:Keywords>\(escape(keywords))</pdf:Keywords>\n"
        }
        xml += "</rdf:Description>\n"

        if options.creator != nil || options.creationDate != nil {
            xml += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
            if let creator = options.creator {
                xml += "<xmp:CreatorTool>\(escape(creator))</xmp:CreatorTool>\n"
            }
            if let date = options.creationDate {
                let stamp = CivilDate(date).xmpString
                xml += "<xmp:CreateDate>\(stamp)</xmp:CreateDate>\n<xmp:ModifyDate>\(stamp)</xmp:ModifyDate>\n"
                xml += "<xmp:MetadataDate>\(stamp)</xmp:MetadataDate>\n"
            }
            xml += "</rdf:Description>\n"
        }
        xml += "</rdf:RDF>\n</x:xmpmeta>\n"
        // Padding lets tools update the packet in place, as the XMP specification recommends.
        let padding = String(repeating: " ", count: 99) + "\n"
        xml += String(repeating: padding, count: 20)
        xml += "<?xpacket end=\"w\"?>"
        return Array(xml.utf8)
    }

    /// Escapes XML special characters and drops characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
