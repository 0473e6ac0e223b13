import HeraldAgentView
import HeraldCore
import Testing

struct AgentPasswordsTests {
    @Test func hashesVerifyAndRefuseBadPasswords() async throws {
        let passwords = AgentPasswords(cost: 4)
        let hash = try await passwords.hash("correct horse")
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(await passwords.verify("correct horse", hash: hash))
        #expect(!(await passwords.verify("Correct horse", hash: hash)))
        // No such user: a decoy is checked, and the answer is always no.
        #expect(!(await passwords.verify("correct horse", hash: nil)))
        for bad in ["", "short", String(repeating: "é", count: 37)] {
            await #expect(throws: HeraldError.self) { _ = try await passwords.hash(bad) }
        }
    }

    @Test func generatedPasswordsAreLongAndDiffer() {
        let a = AgentPasswords.generate(), b = AgentPasswords.generate()
        #expect(a.count == 20 && b.count == 20)
        #expect(a != b)
        #expect(!a.contains { "0O1lI".contains($0) })
    }
}
