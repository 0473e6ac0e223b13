import Foundation
import HeraldCore
import Testing

/// The state machine against an explicit table written here from the CMP reading (letters:
/// requests A R P C N O E, distributions A D P S R E V U), not derived from the implementation.
@Suite("Status machine")
struct StatusMachineTests {
    /// Legal request moves, "from>to" in CMP letters; "-" is "no row yet".
    static let legalRequestMoves: Set<String> = [
        "->A", "->R",
        "R>A", "R>C",
        "A>P", "A>N", "A>O", "A>E", "A>C",
        "E>A",
    ]

    /// Legal distribution moves, "from>to" in letters; "-" is "no row yet".
    static let legalDistributionMoves: Set<String> = [
        "->A", "->D",
        "A>D", "A>E",
        "D>S", "D>P", "D>R", "D>E", "D>B",
        "R>S", "R>P", "R>R", "R>E", "R>B",
        "B>S", "B>E",
        "S>V", "S>U", "S>E",
        "P>V",
    ]

    static let requestFroms: [RequestStatus?] = [nil] + RequestStatus.allCases
    static let distributionFroms: [DistributionStatus?] = [nil] + DistributionStatus.allCases

    static func key(_ from: String?, _ to: String) -> String { "\(from ?? "-")>\(to)" }

    @Test(arguments: requestFroms, RequestStatus.allCases)
    func requestMove(from: RequestStatus?, to: RequestStatus) {
        let legal = Self.legalRequestMoves.contains(Self.key(from?.code, to.code))
        #expect(StatusMachine.canMove(request: from, to: to) == legal)
        if legal {
            #expect(throws: Never.self) { try StatusMachine.check(request: from, to: to) }
        } else {
            let error = #expect(throws: HeraldError.self) { try StatusMachine.check(request: from, to: to) }
            #expect(error?.kind == .illegalTransition)
        }
    }

    @Test(arguments: distributionFroms, DistributionStatus.allCases)
    func distributionMove(from: DistributionStatus?, to: DistributionStatus) {
        let legal = Self.legalDistributionMoves.contains(Self.key(from?.code, to.code))
        #expect(StatusMachine.canMove(distribution: from, to: to) == legal)
        if legal {
            #expect(throws: Never.self) { try StatusMachine.check(distribution: from, to: to) }
        } else {
            let error = #expect(throws: HeraldError.self) { try StatusMachine.check(distribution: from, to: to) }
            #expect(error?.kind == .illegalTransition)
        }
    }

    @Test func tablesHaveTheExpectedNumberOfLegalMoves() {
        var requestLegal = 0
        for from in Self.requestFroms {
            for to in RequestStatus.allCases where StatusMachine.canMove(request: from, to: to) { requestLegal += 1 }
        }
        var distributionLegal = 0
        for from in Self.distributionFroms {
            for to in DistributionStatus.allCases where StatusMachine.canMove(distribution: from, to: to) { distributionLegal += 1 }
        }
        #expect(requestLegal == Self.legalRequestMoves.count)
        #expect(distributionLegal == Self.legalDistributionMoves.count)
    }

    @Test(arguments: RequestStatus.allCases, RequestStatus.allCases)
    func requestTransitionInit(from: RequestStatus, to: RequestStatus) throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        if Self.legalRequestMoves.contains(Self.key(from.code, to.code)) {
            let t = try RequestTransition(requestId: "r1", from: from, to: to, actor: "test", reason: "why", at: at)
            #expect(t.from == from && t.to == to && t.requestId == "r1" && t.actor == "test" && t.reason == "why" && t.at == at)
        } else {
            let error = #expect(throws: HeraldError.self) {
                try RequestTransition(requestId: "r1", from: from, to: to, actor: "test", at: at)
            }
            #expect(error?.kind == .illegalTransition)
        }
    }

    @Test(arguments: DistributionStatus.allCases, DistributionStatus.allCases)
    func distributionTransitionInit(from: DistributionStatus, to: DistributionStatus) throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let d = Distribution(id: "d1", requestId: "r1", method: .sms, target: "+447700900123", status: from, language: "en", createdAt: at)
        if Self.legalDistributionMoves.contains(Self.key(from.code, to.code)) {
            let t = try DistributionTransition(distribution: d, to: to, actor: "sender:sms", at: at)
            #expect(t.from == from && t.to == to && t.distributionId == "d1" && t.requestId == "r1")
            #expect(t.retryAt == nil && t.attempts == nil && t.reference == nil)
        } else {
            let error = #expect(throws: HeraldError.self) {
                try DistributionTransition(distribution: d, to: to, actor: "sender:sms", at: at)
            }
            #expect(error?.kind == .illegalTransition)
        }
    }
}

@Suite("Status codes")
struct StatusCodeTests {
    static let requestLetters: [(RequestStatus, String)] = [
        (.awaitingProcessing, "A"), (.awaitingEventResolution, "R"), (.processed, "P"), (.cancelled, "C"),
        (.notSent, "N"), (.optedOut, "O"), (.error, "E"),
    ]
    static let distributionLetters: [(DistributionStatus, String)] = [
        (.awaitingMerge, "A"), (.awaitingDistribution, "D"), (.published, "P"), (.sent, "S"),
        (.errorRetry, "R"), (.errorNoRetry, "E"), (.delivered, "V"), (.undeliverable, "U"),
        (.batched, "B"),
    ]

    @Test(arguments: requestLetters)
    func requestLetter(status: RequestStatus, letter: String) {
        #expect(status.code == letter)
        #expect(RequestStatus(code: letter) == status)
        #expect(RequestStatus(nameOrCode: letter) == status)
        #expect(RequestStatus(nameOrCode: status.rawValue) == status)
        #expect(status.description == status.rawValue)
    }

    @Test(arguments: distributionLetters)
    func distributionLetter(status: DistributionStatus, letter: String) {
        #expect(status.code == letter)
        #expect(DistributionStatus(code: letter) == status)
        #expect(DistributionStatus(nameOrCode: letter) == status)
        #expect(DistributionStatus(nameOrCode: status.rawValue) == status)
    }

    @Test func everyCaseHasALetterInTheTable() {
        #expect(Set(Self.requestLetters.map(\.0)) == Set(RequestStatus.allCases))
        #expect(Set(Self.distributionLetters.map(\.0)) == Set(DistributionStatus.allCases))
        #expect(Set(RequestStatus.allCases.map(\.code)).count == RequestStatus.allCases.count)
        #expect(Set(DistributionStatus.allCases.map(\.code)).count == DistributionStatus.allCases.count)
    }

    @Test(arguments: ["", "X", "a", "AA", "Awaiting", "awaitingprocessing"])
    func unknownCodesAndNamesAreNil(text: String) {
        #expect(RequestStatus(code: text) == nil)
        #expect(RequestStatus(nameOrCode: text) == nil)
        #expect(DistributionStatus(code: text) == nil)
        #expect(DistributionStatus(nameOrCode: text) == nil)
    }

    @Test func namesAreNotCodes() {
        #expect(RequestStatus(code: "processed") == nil)
        #expect(DistributionStatus(code: "sent") == nil)
        #expect(RequestStatus(rawValue: "P") == nil)
    }

    /// Stored documents: W waiting, S stored; a failed attempt is W → W.
    @Test func storageMovesAreExactlyTheTable() {
        let legal: Set<String> = ["-W", "WW", "WS"]
        for from in [nil] + StorageStatus.allCases {
            for to in StorageStatus.allCases {
                #expect(StatusMachine.canMove(storage: from, to: to) == legal.contains("\(from?.code ?? "-")\(to.code)"), "\(String(describing: from)) → \(to)")
            }
        }
    }

    /// Print batches: O open, C closed, D dropped; a failed drop is C → C (or O → C).
    @Test func printBatchMovesAreExactlyTheTable() {
        let legal: Set<String> = ["-O", "-C", "OC", "OD", "CC", "CD"]
        for from in [nil] + PrintBatchStatus.allCases {
            for to in PrintBatchStatus.allCases {
                #expect(StatusMachine.canMove(printBatch: from, to: to) == legal.contains("\(from?.code ?? "-")\(to.code)"), "\(String(describing: from)) → \(to)")
            }
        }
    }
}
