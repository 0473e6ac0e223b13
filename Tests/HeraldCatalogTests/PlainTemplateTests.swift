import Foundation
@testable import HeraldCatalog
import Testing

/// Text templates made only of literal text, `{{NAME}}` tags and sections render without Mustache; what
/// they render is what Mustache renders, and anything else is left to Mustache.
@Suite("Plain text templates")
struct PlainTemplateTests {
    static let templates = [
        "Hi {{FIRSTNAME}}, welcome!", "{{A}}{{B}}", "{{ A }} and {{\tB\t}} and {{C}}", "no tags at all", "", "{{A}}",
        "ends with a brace }} and", "a {{A}}}} b", "{{A}}}", "Tom & Jerry <b>{{A}}</b> \"{{B_2}}\" 'x'",
        "line\n{{A}}\n\n{{B}}\r\nend\n", "{{a1}} {{Zz_9}}", "Zoë {{A}} €",
        "Welcome to Herald Telecom{{#FIRSTNAME}}, {{FIRSTNAME}}{{/FIRSTNAME}}! Your account is ready.{{#OFFERCODE}} Code {{OFFERCODE}} gives 10% off your first bill.{{/OFFERCODE}} Help: herald.example/help\n",
        "{{^A}}no A{{/A}}{{#A}}A is {{A}}{{/A}}", "{{# A }}[{{B}}{{#B}}<{{A}}>{{/B}}]{{/ A }}", "x {{#A}}\n{{B}}\n{{/A}} y",
        "text\r\n x {{#A}}a{{/A}}\r\n", "{{#A}}{{#A}}twice{{/A}}{{/A}}", "{{^B}}{{^A}}neither{{/A}}{{/B}}", "{{#A}}x{{/A}}", "{{^A}}x{{/A}}",
    ]
    static let notPlain = [
        "{{! comment }}", "{{> partial}}", "{{{A}}}", "{{&A}}", "{{A.B}}", "{{.}}",
        "{{uppercased(A)}}", "{{=<% %>=}}", "{{A", "x {{}} y", "{{ }}", "{{A-B}}", "{{\nA}}", "{{é}}",
        "{{#A}}\nline\n{{/A}}\n", "text\r\n{{#A}}\r\nx{{/A}}", "  {{^A}}  \nx {{/A}}", "{{#A}}x{{/B}}", "{{#A}}open",
        "{{/A}}", "{{#uppercased(A)}}x{{/uppercased(A)}}", "{{#A.B}}x{{/A.B}}",
    ]

    @Test func plainTemplatesRenderAsMustacheDoes() async throws {
        let values = ["", "Tom & Jerry <b>\"Q\"</b>", "{{B}}", "line\nbreak 😀"]
        for text in Self.templates {
            await Task.yield()  // CPU-bound in debug: leave the 2 cooperative threads to timing tests
            let template = try #require(try? CatalogTemplate(name: "t", text: text, escapesHTML: false), "Mustache refuses \(text)")
            #expect(template.plainPieces != nil, "\(text)")
            var mustache = template
            mustache.plainPieces = nil
            for a in values {
                for b in values {
                    for fields in [["A": a, "B": b, "B_2": b, "a1": a, "Zz_9": b, "FIRSTNAME": a], [:]] {
                        #expect(template.render(fields) == mustache.render(fields), "\(text) with \(fields)")
                    }
                }
            }
        }
    }

    @Test func otherTagsAreLeftToMustache() throws {
        for text in Self.notPlain {
            #expect(CatalogTemplate.plainPieces(text) == nil, "\(text)")
        }
        // HTML parts always go through Mustache (it escapes).
        #expect(try CatalogTemplate(name: "t", text: "<p>{{A}}</p>", escapesHTML: true).plainPieces == nil)
    }
}
