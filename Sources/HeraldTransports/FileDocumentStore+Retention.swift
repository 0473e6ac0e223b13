import Foundation
import HeraldCore

extension FileDocumentStore: PurgeableDocumentStore {
    /// Packs in hour folders that ended before `date` (the folder's hour is the pack's
    /// creation hour, UTC), oldest first.
    public func packs(createdBefore date: Date) async throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        func children(_ path: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0.allSatisfy(\.isNumber) }.sorted()
        }
        for year in children(rootPath) {
            for month in children(rootPath + "/" + year) {
                for day in children("\(rootPath)/\(year)/\(month)") {
                    for hour in children("\(rootPath)/\(year)/\(month)/\(day)") {
                        var c = DateComponents()
                        c.year = Int(year); c.month = Int(month); c.day = Int(day); c.hour = Int(hour)
                        var calendar = Calendar(identifier: .gregorian)
                        calendar.timeZone = TimeZone(identifier: "UTC")!
                        guard let start = calendar.date(from: c), start.addingTimeInterval(3600) <= date else { continue }
                        let folder = "\(year)/\(month)/\(day)/\(hour)"
                        let files = (try? fm.contentsOfDirectory(atPath: rootPath + "/" + folder)) ?? []
                        out += files.filter { $0.hasSuffix(".pack") }.sorted().map { "fs:\(folder)/\($0)" }
                    }
                }
            }
        }
        return out
    }

    public func removePack(_ pack: String) async throws {
        let (path, parsed) = try resolve(pack)
        guard parsed.entry == nil, path.hasSuffix(".pack") else {
            throw HeraldError.invalid("pack", "not a pack location: \(pack)")
        }
        try FileManager.default.removeItem(atPath: path)
    }
}
