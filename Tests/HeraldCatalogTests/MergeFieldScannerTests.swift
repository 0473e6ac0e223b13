@testable import HeraldCatalog
import Testing

@Suite("Merge field scanner")
struct MergeFieldScannerTests {
    func scan(_ text: String) -> [String] {
        MergeFieldScanner.uses(in: text).map { "\($0.field)@\($0.line)" }
    }

    @Test func findsVariablesAndSectionOpeningsWithLines() {
        #expect(scan("a {{A}}\n{{{B}}} {{&C}}\n{{#D}}{{/D}}{{^E}}{{/E}}") == ["A@1", "B@2", "C@2", "D@3", "E@3"])
    }

    @Test func skipsCommentsPartialsPragmasAndTheImplicitIterator() {
        #expect(scan("{{! {{X}}\nstill comment }}{{> part}}{{%CONTENT_TYPE:TEXT}}{{.}}{{ Y }}") == ["Y@2"])
    }

    @Test func followsDelimiterChanges() {
        #expect(scan("{{=<% %>=}}\n{{notatag}} <% A %>\n<%={{ }}=%>{{B}}") == ["A@2", "B@3"])
    }

    @Test func dottedNamesAndTransformsCountByTheirField() {
        #expect(scan("{{A.b}} {{uppercased(B)}} {{ reversed(lowercased(C)) }}") == ["A@1", "B@1", "C@1"])
    }
}
