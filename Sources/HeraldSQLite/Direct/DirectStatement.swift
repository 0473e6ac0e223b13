import GRDB
import GRDBSQLite

// The hot statements of the claim/commit/submit paths bind their values and read their rows
// straight through SQLite's C API, on statements GRDB prepared and caches
// (`Database.cachedStatement`). GRDB's `execute(arguments:)` boxes every value twice
// (`DatabaseValueConvertible` existentials, then `DatabaseValue`) and a `Row` finds each column
// by name through a hashed lookup: on the email path that was about a sixth of all CPU, all of
// it on the single writer thread every stage waits for.
//
// Only for plain INSERT/UPDATE/SELECT (and `RETURNING`) statements run inside a transaction or
// read that GRDB opened. This path skips GRDB's per-statement bookkeeping, which serves
// transaction observers (`ValueObservation`, `TransactionObserver`) and region tracking: the
// store registers none. A store that adds one must run the statements it observes through
// GRDB's `execute`.

/// Values bound, in order, to a statement's `?` parameters.
struct DirectBindings {
    fileprivate let handle: OpaquePointer
    fileprivate var index: Int32 = 1
    fileprivate var failure: Int32 = SQLITE_OK

    fileprivate init(handle: OpaquePointer) { self.handle = handle }

    private mutating func record(_ rc: Int32) {
        if rc != SQLITE_OK && failure == SQLITE_OK { failure = rc }
        index += 1
    }

    mutating func add(_ value: String) {
        var value = value
        let rc = value.withUTF8 { bytes in
            // A nil pointer would bind NULL: an empty string still needs a valid one.
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let start = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, DirectBindings.transient) }
                return sqlite3_bind_text(handle, index, start, Int32(chars.count), DirectBindings.transient)
            }
        }
        record(rc)
    }

    mutating func add(_ value: String?) {
        guard let value else { return record(sqlite3_bind_null(handle, index)) }
        add(value)
    }

    mutating func add(_ value: Int64) { record(sqlite3_bind_int64(handle, index, value)) }

    mutating func add(_ value: Int64?) {
        guard let value else { return record(sqlite3_bind_null(handle, index)) }
        add(value)
    }

    mutating func add(_ value: Int) { add(Int64(value)) }

    mutating func add(_ value: Int?) { add(value.map(Int64.init)) }

    /// SQLite copies the bytes (`SQLITE_TRANSIENT`): the Swift strings may be temporaries.
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// The current row of a stepping statement; columns by position.
struct DirectRow {
    fileprivate let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func int(_ column: Int32) -> Int { Int(int64(column)) }
}

extension Statement {
    /// Binds the values `bind` adds (exactly as many as the statement has parameters), runs the
    /// statement to completion and resets it. Errors are GRDB `DatabaseError`s (a constraint
    /// failure has `resultCode == .SQLITE_CONSTRAINT`, as from `execute`).
    func runDirect(_ db: Database, _ bind: (inout DirectBindings) -> Void) throws {
        try stepDirect(db, bind) { _ in }
    }

    /// The same, calling `row` for every row the statement yields (a SELECT or a `RETURNING`).
    func stepDirect(_ db: Database, _ bind: (inout DirectBindings) -> Void, row: (DirectRow) throws -> Void) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        var bindings = DirectBindings(handle: handle)
        bind(&bindings)
        let expected = sqlite3_bind_parameter_count(handle)
        guard bindings.failure == SQLITE_OK, bindings.index - 1 == expected else {
            let message = bindings.failure == SQLITE_OK
                ? "bound \(bindings.index - 1) values to a statement with \(expected) parameters"
                : String(cString: sqlite3_errstr(bindings.failure))
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: message, sql: sql)
        }
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
            }
            try row(DirectRow(handle: handle))
        }
    }
}
