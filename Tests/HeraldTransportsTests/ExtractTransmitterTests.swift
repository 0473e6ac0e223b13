import Foundation
import HeraldCore
import HeraldTestSupport
import S3
import Testing
@testable import HeraldTransports

/// Extract files: one per system and batch, named `<system>-<UTC time>-<batch id>.<ext>`,
/// written atomically, each comm referenced by its line.
@Suite struct ExtractTransmitterTests {
    static let time = Date(timeIntervalSince1970: 1_796_637_946)  // 2026-12-07T10:05:46Z

    func folder() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func transmitter(_ format: ExtractTransmitter.Format, into url: URL, prefix: String = "") throws -> ExtractTransmitter {
        ExtractTransmitter(format: format, destination: try FileArchive(root: url), prefix: prefix, clock: { Self.time }) { code in
            code == "PORTING_NOTICE" ? "PORTAL" : code == "CRM_NOTE" ? "CRM" : nil
        }
    }

    @Test func writesOneNDJSONFilePerSystem() async throws {
        let url = try folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let batch = [ExternalComms.transmission(1), ExternalComms.transmission(2, code: "CRM_NOTE"), ExternalComms.transmission(3),
                     ExternalComms.transmission(4, code: "OTHER")]
        let outcomes = try await transmitter(.ndjson, into: url).transmit(batch)
        let references = outcomes.map { $0.sentReference ?? nil }
        let portal = ExtractTransmitter.fileName(system: "PORTAL", time: Self.time, batchID: ExtractTransmitter.batchID([batch[0], batch[2]]),
                                                 format: .ndjson)
        #expect(portal.hasPrefix("PORTAL-20261207T100546Z-"))
        #expect(portal.hasSuffix(".ndjson"))
        #expect(references[0] == "\(portal)#1")
        #expect(references[2] == "\(portal)#2")
        #expect(references[1]?.hasPrefix("CRM-20261207T100546Z-") == true && references[1]?.hasSuffix(".ndjson#1") == true)
        #expect(references[3]?.hasPrefix("external-20261207T100546Z-") == true)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        #expect(names.count == 3, "\(names)")  // no temporary files left
        #expect(!names.contains { $0.hasPrefix(".") })

        let lines = try String(contentsOf: url.appendingPathComponent(portal), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONDecoder().decode(ExternalCommPayload.self, from: Data(lines[0].utf8))
        #expect(first == ExternalCommPayload(batch[0], system: "PORTAL"))
        // The message's line break stays inside its JSON string.
        #expect(lines[0].contains(#""message":"NOTICE=PORTING_OUT\nCUSTOMERID=C1""#))
        let other = try JSONDecoder().decode(ExternalCommPayload.self,
                                             from: Data(contentsOf: url.appendingPathComponent(String(references[3]!.split(separator: "#")[0]))))
        #expect(other.system == nil)
    }

    @Test func writesCSVWithQuotingAndRecordLines() async throws {
        let url = try folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let batch = [
            ExternalComms.transmission(1, message: "plain", fields: ["A": "1"]),
            ExternalComms.transmission(2, message: "two\nlines, \"quoted\"", fields: ["NAME": "O'Brien, \"Pat\""]),
            ExternalComms.transmission(3, message: "after", fields: [:]),
        ]
        let outcomes = try await transmitter(.csv, into: url, prefix: "out/").transmit(batch)
        let references = outcomes.compactMap { $0.sentReference ?? nil }
        #expect(references.count == 3)
        let name = String(references[0].split(separator: "#")[0])
        #expect(name.hasSuffix(".csv"))
        // Record lines: header on 1, then 2; the second record spans two lines.
        #expect(references.map { $0.split(separator: "#")[1] } == ["2", "3", "5"])
        let bytes = try Data(contentsOf: url.appendingPathComponent("out").appendingPathComponent(name))
        var reader = CSVRecords(ArraySlice(bytes))
        var records: [(line: Int, fields: [String])] = []
        while let record = reader.next() {
            #expect(record.problem == nil)
            records.append((record.line, record.strings() ?? []))
        }
        #expect(records.count == 4)
        #expect(records[0].fields == ExternalCommPayload.columns)
        #expect(records.dropFirst().map(\.line) == [2, 3, 5])
        #expect(records[2].fields[7] == "two\nlines, \"quoted\"")
        #expect(records[2].fields[8] == #"{"NAME":"O'Brien, \"Pat\""}"#)
        #expect(records[2].fields[3] == "PORTAL")
        #expect(records[3].fields[0] == "req-3")
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("requestId,distributionId,commsCode,system,method,target,language,message,fields,createdAt\r\n"))
    }

    @Test func aFailedWriteIsRetried() async throws {
        let url = try folder()
        defer { try? FileManager.default.removeItem(at: url) }
        // A file where the prefix folder should be.
        try Data("x".utf8).write(to: url.appendingPathComponent("blocked"))
        let outcomes = try await transmitter(.ndjson, into: url, prefix: "blocked").transmit([ExternalComms.transmission(1)])
        #expect(outcomes[0].failureKind == .retry, "\(outcomes)")
        #expect(outcomes[0].failure?.text.contains("not written to fs") == true)
    }

    @Test func putsTheFileInS3UnderThePrefix() async throws {
        try await FakeS3Server.with(script: { _, _ in .ok }) { server in
            let archive = S3ArchiveFaultTests.archive(server, bucket: "partners")
            let transmitter = ExtractTransmitter(format: .ndjson, destination: archive, prefix: "external/", clock: { Self.time }) { _ in
                "PORTAL"
            }
            let batch = [ExternalComms.transmission(1), ExternalComms.transmission(2)]
            let outcomes = await transmitter.transmit(batch)
            let references = outcomes.compactMap { $0.sentReference ?? nil }
            #expect(references.count == 2)
            let name = String(references[0].split(separator: "#")[0])
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "PUT")
            #expect(request.uri == "/partners/external/\(name)")
            let lines = String(decoding: request.body, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(try JSONDecoder().decode(ExternalCommPayload.self, from: Data(lines[1].utf8)).distributionId == "dist-2")
        }
        // A refusing bucket: retried later.
        try await FakeS3Server.with(script: { _, _ in .error(403, "AccessDenied") }) { server in
            let transmitter = ExtractTransmitter(format: .csv, destination: S3ArchiveFaultTests.archive(server), clock: { Self.time }) { _ in nil }
            let outcomes = await transmitter.transmit([ExternalComms.transmission(1)])
            #expect(outcomes[0].failureKind == .retry, "\(outcomes)")
            #expect(outcomes[0].failure?.text.contains("not written to s3") == true)
        }
    }

    @Test func theBatchIDIsStable() {
        let a = [ExternalComms.transmission(1), ExternalComms.transmission(2)]
        #expect(ExtractTransmitter.batchID(a) == ExtractTransmitter.batchID(a))
        #expect(ExtractTransmitter.batchID(a) != ExtractTransmitter.batchID([a[0]]))
        #expect(ExtractTransmitter.batchID(a).count == 12)
    }
}
