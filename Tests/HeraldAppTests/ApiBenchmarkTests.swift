import HeraldAppTestSupport
import Foundation
import Testing
@testable import HeraldBench

/// `herald bench api`'s parts that need neither wrk nor a server: its scripts, the summary it
/// reads back, `/proc/<pid>/stat`, and what counts as a failed run.
struct ApiBenchmarkTests {
    static let wrkOutput = """
        Running 3s test @ http://127.0.0.1:40123/v1/comms-requests
          2 threads and 8 connections
          Latency Distribution
             50%    6.04ms
             99%   14.43ms
          3693 requests in 3.01s, 2.10MB read
        Requests/sec:   1227.00
        herald-bench requests=3701 duration_us=3010000 p50_us=6040 p99_us=14430 created=3693 other2xx=1 non2xx=7 connect=0 read=2 write=0 timeout=3
        herald-bench-failure 409 {"title":"conflict"}
        """

    @Test func readsTheSummaryLineTheScriptsPrint() throws {
        let run = try Wrk.parse(Self.wrkOutput)
        #expect(run.requests == 3701)
        #expect(run.seconds == 3.01)
        #expect(run.p50Microseconds == 6040 && run.p99Microseconds == 14430)
        #expect(run.created == 3693 && run.otherSuccess == 1 && run.nonSuccess == 7)
        #expect(run.socketErrors == 5)
        #expect(run.firstFailure == #"409 {"title":"conflict"}"#)
        #expect(abs(run.createdPerSecond - 3693 / 3.01) < 1e-9)
        #expect(throws: Wrk.Failure.self) { try Wrk.parse("Running 3s test\nRequests/sec: 10\n") }
    }

    @Test func triggerScriptGivesEveryRequestItsOwnKeyAndCountsStatuses() {
        let script = Wrk.triggerScript(path: "/v1/comms-requests", body: #"{"commsCode":"WELCOME"}"#, apiKey: "k1", run: "bench-x")
        #expect(script.contains(#"["Idempotency-Key"] = "bench-x-" .. tid .. "-" .. n"#))
        #expect(script.contains(#"thread:set("tid", #threads)"#))
        #expect(script.contains(#"["Authorization"] = "Bearer k1""#))
        #expect(script.contains(#"["Content-Type"] = "application/json""#))
        #expect(script.contains(#"local body = '{"commsCode":"WELCOME"}'"#))
        #expect(script.contains("function response(status, headers, body)"))
        #expect(script.contains("function done(summary, latency, requests)"))
        // The anchor's script leaves wrk on its own request path.
        #expect(!Wrk.summaryScript.contains("function request"))
        #expect(!Wrk.summaryScript.contains("function response"))
        #expect(Wrk.summaryScript.contains("function done(summary, latency, requests)"))
    }

    @Test func cpuSecondsAreUserPlusSystemTicksAfterTheCommandName() {
        let stat = "4242 (herald) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 150 0 0 20 0 9 0 100 0 0"
        #expect(ServeProcess.cpuSeconds(stat: stat, ticksPerSecond: 100) == 4.0)
        #expect(ServeProcess.cpuSeconds(stat: "garbage", ticksPerSecond: 100) == 0)
    }

    func result(triggers: Wrk.Run, stored: Int, sent: Int, drained: Bool, exit: Int32? = 0) -> ApiBenchmark.Result {
        let healthz = Wrk.Run(requests: 5000, seconds: 1, p50Microseconds: 100, p99Microseconds: 900, created: 0, otherSuccess: 0,
                              nonSuccess: 0, connectErrors: 0, readErrors: 0, writeErrors: 0, timeouts: 0, firstFailure: nil)
        return ApiBenchmark.Result(
            connections: 8, triggers: triggers, healthz: healthz, loadCPUSeconds: 1, drainCPUSeconds: 0.1, healthzCPUSeconds: 0.5,
            storedRequests: stored, sent: sent, statuses: ["sent": sent], drainSeconds: drained ? 0.2 : nil, drainTimeout: 120,
            p50SentMilliseconds: 10, p99SentMilliseconds: 30, serverExit: exit)
    }

    @Test func aRunFailsOnErrorsLostOrUnsentTriggersAndAnUncleanStop() throws {
        let clean = Wrk.Run(requests: 1000, seconds: 2, p50Microseconds: 1000, p99Microseconds: 5000, created: 1000, otherSuccess: 0,
                            nonSuccess: 0, connectErrors: 0, readErrors: 0, writeErrors: 0, timeouts: 0, firstFailure: nil)
        let good = result(triggers: clean, stored: 1004, sent: 1004, drained: true)
        #expect(good.problems.isEmpty)
        #expect(good.triggersPerSecond == 500 && good.healthzPerSecond == 5000)
        #expect(good.report.contains("500 accepted/s"))
        #expect(good.report.contains("ratio         triggers/s ÷ healthz req/s = 0.100"))
        #expect(good.report.contains("1000 µs per accepted trigger during the load"))
        #expect(!good.report.contains("PROBLEMS"))

        var failing = clean
        failing.nonSuccess = 2
        failing.firstFailure = "500 boom"
        let errors = result(triggers: failing, stored: 1000, sent: 1000, drained: true)
        #expect(errors.problems.count == 1)
        #expect(errors.problems[0].contains("non-2xx 2") && errors.problems[0].contains("500 boom"))
        #expect(errors.report.contains("PROBLEMS"))

        #expect(result(triggers: clean, stored: 999, sent: 999, drained: true).problems.contains { $0.contains("only 999 are in the store") })
        #expect(result(triggers: clean, stored: 1000, sent: 400, drained: false).problems.contains { $0.contains("400 of 1000 sent") })
        #expect(result(triggers: clean, stored: 1000, sent: 1000, drained: true, exit: nil).problems.count == 1)
        #expect(result(triggers: clean, stored: 1000, sent: 1000, drained: true, exit: 3).problems == ["herald serve exited 3 after SIGTERM"])
    }
}
