import GRDB
import HeraldCore

/// Named migrations, applied in order, each once. Never edit a shipped migration: add one.
/// The SQL keeps to what PostgreSQL also speaks (TEXT, INTEGER/BIGINT, partial indexes).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-27-initial") { db in
            try db.execute(sql: """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY NOT NULL,
                title TEXT, first_name TEXT, last_name TEXT,
                language TEXT NOT NULL, time_zone TEXT NOT NULL,
                email TEXT, mobile TEXT, postal_address TEXT, push_tokens TEXT NOT NULL,
                external_id TEXT, preferences TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY NOT NULL,
                customer_id TEXT NOT NULL REFERENCES customers(id),
                currency TEXT NOT NULL, amount_due TEXT, attributes TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX accounts_customer ON accounts(customer_id);
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY NOT NULL,
                customer_id TEXT NOT NULL REFERENCES customers(id),
                account_id TEXT REFERENCES accounts(id),
                msisdn TEXT, plan TEXT,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX subscriptions_customer ON subscriptions(customer_id);
            CREATE TABLE workflow_events (
                id TEXT PRIMARY KEY NOT NULL,
                event_type TEXT NOT NULL, event_code TEXT NOT NULL,
                target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
                when_to_create TEXT NOT NULL, state TEXT NOT NULL,
                related_request_id TEXT, note TEXT,
                created_at INTEGER NOT NULL, resolved_at INTEGER
            );
            CREATE TABLE comms_requests (
                id TEXT PRIMARY KEY NOT NULL,
                comms_code TEXT NOT NULL,
                priority INTEGER NOT NULL,
                status TEXT NOT NULL,
                target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
                customer_id TEXT, account_id TEXT, subscription_id TEXT,
                workflow_event_id TEXT REFERENCES workflow_events(id),
                external_trigger_id TEXT,
                override_method TEXT,
                copy_of TEXT,
                fields TEXT NOT NULL,
                source TEXT NOT NULL, created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                claim_token TEXT, lease_until INTEGER
            );
            CREATE INDEX requests_queue ON comms_requests(priority, id) WHERE \(StatusSQL.condition(RequestStatus.awaitingProcessing));
            CREATE INDEX requests_customer ON comms_requests(customer_id, id);
            CREATE INDEX requests_account ON comms_requests(account_id, id);
            CREATE INDEX requests_subscription ON comms_requests(subscription_id, id);
            CREATE INDEX requests_status ON comms_requests(status, id);
            CREATE INDEX requests_event ON comms_requests(workflow_event_id) WHERE workflow_event_id IS NOT NULL;
            CREATE TABLE distributions (
                id TEXT PRIMARY KEY NOT NULL,
                request_id TEXT NOT NULL UNIQUE REFERENCES comms_requests(id),
                method TEXT NOT NULL, target TEXT NOT NULL, alias TEXT,
                status TEXT NOT NULL,
                message TEXT, file_location TEXT, reference TEXT,
                fields TEXT NOT NULL, language TEXT NOT NULL,
                excluded_until INTEGER, retry_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
                sent_at INTEGER, actual_sent_at INTEGER, actual_target TEXT, actual_method TEXT, read_at INTEGER,
                last_error TEXT,
                priority INTEGER NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                claim_token TEXT, lease_until INTEGER
            );
            CREATE INDEX distributions_merge ON distributions(method, priority, id) WHERE \(StatusSQL.condition(DistributionStatus.awaitingMerge));
            CREATE INDEX distributions_send ON distributions(method, priority, id)
                WHERE \(StatusSQL.condition(DistributionStatus.awaitingDistribution, .errorRetry));
            CREATE INDEX distributions_reference ON distributions(reference) WHERE reference IS NOT NULL;
            CREATE TABLE status_history (
                id INTEGER PRIMARY KEY,
                request_id TEXT NOT NULL,
                entity TEXT NOT NULL,
                from_status TEXT, to_status TEXT NOT NULL,
                at INTEGER NOT NULL, actor TEXT NOT NULL, reason TEXT
            );
            CREATE INDEX history_request ON status_history(request_id, id);
            CREATE TABLE request_problems (
                id INTEGER PRIMARY KEY,
                request_id TEXT NOT NULL,
                kind TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL
            );
            CREATE INDEX problems_request ON request_problems(request_id);
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY NOT NULL,
                body_hash TEXT NOT NULL,
                request_ids TEXT NOT NULL,
                event_id TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX idempotency_expiry ON idempotency_keys(expires_at);
            """)
        }
        m.registerMigration("2026-11-27-delivery-reports") { db in
            try db.execute(sql: """
            CREATE TABLE distribution_references (
                method TEXT NOT NULL,
                reference TEXT NOT NULL,
                distribution_id TEXT NOT NULL REFERENCES distributions(id),
                PRIMARY KEY (method, reference)
            );
            CREATE TABLE delivery_reports (
                id INTEGER PRIMARY KEY,
                method TEXT NOT NULL, reference TEXT NOT NULL, outcome TEXT NOT NULL,
                at INTEGER NOT NULL, detail TEXT, received_at INTEGER NOT NULL,
                disposition TEXT NOT NULL,
                distribution_id TEXT
            );
            CREATE INDEX delivery_reports_unmatched ON delivery_reports(method, reference) WHERE disposition = 'unmatched';
            """)
        }
        m.registerMigration("2026-11-27-email-suppression") { db in
            // Addresses that hard-bounced (RFC 3464 DSN, 5.x.x); lower-cased.
            try db.execute(sql: """
            CREATE TABLE email_suppressions (
                address TEXT PRIMARY KEY,
                reason TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            """)
        }
        m.registerMigration("2026-11-27-drop-distributions-reference-index") { db in
            // Provider references are looked up in distribution_references (one row per id of a
            // comma-separated reference); this index on the whole text served no query and cost
            // a B-tree insert of a long key for every sent comm.
            try db.execute(sql: "DROP INDEX IF EXISTS distributions_reference")
        }
        m.registerMigration("2026-11-28-distribution-references-without-rowid") { db in
            // Looked up only by its primary key: stored in that key's B-tree alone, one insert
            // per provider reference (every sent email records three) instead of two.
            try db.execute(sql: """
            CREATE TABLE distribution_references_keyed (
                method TEXT NOT NULL,
                reference TEXT NOT NULL,
                distribution_id TEXT NOT NULL REFERENCES distributions(id),
                PRIMARY KEY (method, reference)
            ) WITHOUT ROWID;
            INSERT INTO distribution_references_keyed (method, reference, distribution_id)
                SELECT method, reference, distribution_id FROM distribution_references;
            DROP TABLE distribution_references;
            ALTER TABLE distribution_references_keyed RENAME TO distribution_references;
            """)
        }
        m.registerMigration("2026-11-28-partial-account-subscription-indexes") { db in
            // Most requests name a customer: their NULL account and subscription ids were two
            // index entries per request that no query reads (`account_id = ?` implies NOT NULL,
            // so SQLite uses the partial index for it).
            try db.execute(sql: """
            DROP INDEX requests_account;
            DROP INDEX requests_subscription;
            CREATE INDEX requests_account ON comms_requests(account_id, id) WHERE account_id IS NOT NULL;
            CREATE INDEX requests_subscription ON comms_requests(subscription_id, id) WHERE subscription_id IS NOT NULL;
            """)
        }
        m.registerMigration("2026-12-07-stored-documents") { db in
            // The storage step: one row per document a merge wrote (id = the distribution's id),
            // claimed by the store stage while waiting (`W`), then its long-term copy (`S`):
            // backend, location, plaintext SHA-256 and size, key id, and its link in the hash
            // chain (chain_seq orders the chain; record_hash covers previous_hash and the row).
            // `priority` is always 0: the stage's order is the ids' (UUIDv7: oldest first).
            try db.execute(sql: """
            CREATE TABLE stored_documents (
                id TEXT PRIMARY KEY NOT NULL,
                request_id TEXT NOT NULL,
                status TEXT NOT NULL,
                local_location TEXT NOT NULL,
                file_extension TEXT NOT NULL,
                merged_at INTEGER NOT NULL,
                priority INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                retry_at INTEGER, last_error TEXT,
                backend TEXT, location TEXT, sha256 TEXT, size INTEGER, stored_at INTEGER, key_id TEXT,
                chain_seq INTEGER, previous_hash TEXT, record_hash TEXT,
                claim_token TEXT, lease_until INTEGER
            );
            CREATE INDEX stored_documents_queue ON stored_documents(priority, id) WHERE \(StatusSQL.condition(StorageStatus.waiting));
            CREATE INDEX stored_documents_request ON stored_documents(request_id);
            CREATE UNIQUE INDEX stored_documents_chain ON stored_documents(chain_seq) WHERE chain_seq IS NOT NULL;
            CREATE INDEX stored_documents_waiting_local ON stored_documents(local_location) WHERE \(StatusSQL.condition(StorageStatus.waiting));
            """)
        }
        m.registerMigration("2026-12-07-print-batches") { db in
            // The print bureau route: batches (one ZIP each at the bureau; `file_name` fixed at
            // creation so a drop whose commit was lost is recognised by name), and the letters
            // filed into them (`print_pieces`, piece id = distribution id; the distribution is
            // `B` batched until the drop's commit moves it to `S`). `priority` is always 0.
            try db.execute(sql: """
            CREATE TABLE print_batches (
                id TEXT PRIMARY KEY NOT NULL,
                file_name TEXT NOT NULL UNIQUE,
                bureau TEXT NOT NULL, postage TEXT NOT NULL, envelope TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at INTEGER NOT NULL, close_at INTEGER NOT NULL,
                letters INTEGER NOT NULL DEFAULT 0, pages INTEGER NOT NULL DEFAULT 0, sheets INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0, retry_at INTEGER, last_error TEXT, dropped_at INTEGER,
                priority INTEGER NOT NULL DEFAULT 0,
                claim_token TEXT, lease_until INTEGER
            );
            CREATE INDEX print_batches_queue ON print_batches(priority, id) WHERE \(StatusSQL.condition(PrintBatchStatus.open, .closed));
            CREATE INDEX print_batches_open ON print_batches(bureau, postage, envelope, id) WHERE \(StatusSQL.condition(PrintBatchStatus.open));
            CREATE TABLE print_pieces (
                distribution_id TEXT PRIMARY KEY NOT NULL REFERENCES distributions(id),
                batch_id TEXT NOT NULL REFERENCES print_batches(id),
                request_id TEXT NOT NULL,
                pages INTEGER NOT NULL, sheets INTEGER NOT NULL, duplex INTEGER NOT NULL,
                envelope TEXT NOT NULL, postage TEXT NOT NULL
            );
            CREATE INDEX print_pieces_batch ON print_pieces(batch_id);
            """)
        }
        m.registerMigration("2026-12-07-status-updates") { db in
            // One row per external status update taken, keyed by the sender's scope and its
            // updateId: the same update again answers as the first time and changes nothing.
            try db.execute(sql: """
            CREATE TABLE status_updates (
                scope TEXT NOT NULL,
                update_id TEXT NOT NULL,
                result TEXT NOT NULL,
                detail TEXT NOT NULL,
                request_id TEXT,
                digest TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (scope, update_id)
            ) WITHOUT ROWID;
            """)
        }
        m.registerMigration("2026-12-07-status-callbacks") { db in
            // Status callbacks: subscriptions (the config file's, replaced at each start, and the
            // API's; soft-deleted so old deliveries still name them) and the durable outbox of
            // deliveries. The outbox is filled by a trigger on `status_history`: every status
            // change already writes its history row in the transaction that makes the change, so
            // a delivery exists exactly when its change committed — none lost, none announced
            // that rolled back — whichever stage or route made it. The trigger exists only while
            // a subscription does (`Database.syncOutboxTrigger`): without subscribers a history
            // row costs nothing more. Rows are claimed by the
            // `callback` stage (its partial index), in order per subscription and request
            // (`webhook_deliveries_order` finds an earlier waiting row). `priority` is the
            // request's. Filters: `events` (bit 1 request, 2 distribution), `comms_codes` and
            // `sources` as JSON arrays (NULL: any), read with json_each (SQLite's JSON1,
            // PostgreSQL's jsonb_array_elements_text).
            try db.execute(sql: """
            CREATE TABLE webhook_subscriptions (
                id TEXT PRIMARY KEY NOT NULL,
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                events INTEGER NOT NULL,
                comms_codes TEXT, sources TEXT,
                description TEXT,
                origin TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                deleted_at INTEGER
            );
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY,
                subscription_id TEXT NOT NULL,
                request_id TEXT NOT NULL,
                history_id INTEGER NOT NULL,
                status TEXT NOT NULL,
                priority INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                first_attempt_at INTEGER, retry_at INTEGER, last_error TEXT, response_status INTEGER, delivered_at INTEGER,
                claim_token TEXT, lease_until INTEGER
            );
            CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(priority, id) WHERE \(StatusSQL.condition(CallbackDeliveryStatus.waiting));
            CREATE INDEX webhook_deliveries_order ON webhook_deliveries(subscription_id, request_id, id)
                WHERE \(StatusSQL.condition(CallbackDeliveryStatus.waiting));
            CREATE INDEX webhook_deliveries_status ON webhook_deliveries(status, id);
            CREATE INDEX webhook_subscriptions_live ON webhook_subscriptions(created_at, id) WHERE deleted_at IS NULL;
            """)
        }
        m.registerMigration("2026-12-07-agent-view") { db in
            // AgentView: its users (bcrypt hashes; failed attempts and a lock after too many),
            // their sessions (id = SHA-256 of the cookie's random token; `expires_at` slides
            // forward on each use), and the audit of what agents did. Plus the indexes its
            // search reads: email (case-insensitive), mobile and MSISDN, names.
            try db.execute(sql: """
            CREATE TABLE agent_users (
                name TEXT PRIMARY KEY NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE agent_sessions (
                id TEXT PRIMARY KEY NOT NULL,
                user_name TEXT NOT NULL REFERENCES agent_users(name),
                csrf_token TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX agent_sessions_user ON agent_sessions(user_name);
            CREATE INDEX agent_sessions_expiry ON agent_sessions(expires_at);
            CREATE TABLE agent_audit (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                agent TEXT NOT NULL,
                action TEXT NOT NULL,
                request_id TEXT,
                reason TEXT,
                detail TEXT
            );
            CREATE INDEX agent_audit_request ON agent_audit(request_id) WHERE request_id IS NOT NULL;
            CREATE INDEX customers_email ON customers(lower(email)) WHERE email IS NOT NULL;
            CREATE INDEX customers_mobile ON customers(mobile) WHERE mobile IS NOT NULL;
            CREATE INDEX customers_first_name ON customers(lower(first_name)) WHERE first_name IS NOT NULL;
            CREATE INDEX customers_last_name ON customers(lower(last_name)) WHERE last_name IS NOT NULL;
            CREATE INDEX subscriptions_msisdn ON subscriptions(msisdn) WHERE msisdn IS NOT NULL;
            """)
        }
        m.registerMigration("2026-12-07-idempotency-key-hash") { db in
            // Keys found by a 64-bit hash of the key (`IdempotencyRecord.keyHash`), the full key
            // compared on a match: the index holds 8-byte integers instead of ~70-byte texts (a
            // fifth of the pages: 4,600 instead of 23,000 for a million keys), so a bulk import's
            // random keys (SHA-256 digests) dirty fewer pages. A key is still unique: every
            // write looks its key up first, in the same write transaction (one writer at a time).
            let hash = DatabaseFunction("herald_idempotency_key_hash", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0]).map(IdempotencyRecord.keyHash)
            }
            db.add(function: hash)
            defer { db.remove(function: hash) }
            try db.execute(sql: """
            CREATE TABLE idempotency_keys_hashed (
                key_hash INTEGER NOT NULL,
                key TEXT NOT NULL,
                body_hash TEXT NOT NULL,
                request_ids TEXT NOT NULL,
                event_id TEXT,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            INSERT INTO idempotency_keys_hashed (key_hash, key, body_hash, request_ids, event_id, created_at, expires_at)
                SELECT herald_idempotency_key_hash(key), key, body_hash, request_ids, event_id, created_at, expires_at
                FROM idempotency_keys ORDER BY rowid;
            DROP TABLE idempotency_keys;
            ALTER TABLE idempotency_keys_hashed RENAME TO idempotency_keys;
            CREATE INDEX idempotency_key_hash ON idempotency_keys(key_hash);
            CREATE INDEX idempotency_expiry ON idempotency_keys(expires_at);
            """)
        }
        m.registerMigration("2026-12-07-requests-found-through-their-customer") { db in
            // Requests were indexed by customer, account and subscription: three B-tree inserts
            // at places spread over the whole index for every request (an import of a million
            // lines over 3,000 customers dirtied some 9,000 such pages every 10,000 lines, the
            // import's main cost: 24,000 lines/s with the three, 34,000 without the two dropped
            // here). Every request names its customer (a target is resolved before it is
            // written), so a listing by account or subscription now walks that customer's
            // requests (`requests_customer`), found through `target_owners`: each customer an
            // account or subscription has ever belonged to (written when the account or
            // subscription is stored; an account that moves keeps its earlier requests findable).
            try db.execute(sql: """
            CREATE TABLE target_owners (
                kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                PRIMARY KEY (kind, target_id, customer_id)
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO target_owners SELECT 'account', id, customer_id FROM accounts;
            INSERT OR IGNORE INTO target_owners SELECT 'subscription', id, customer_id FROM subscriptions;
            INSERT OR IGNORE INTO target_owners
                SELECT DISTINCT 'account', account_id, customer_id FROM comms_requests WHERE account_id IS NOT NULL AND customer_id IS NOT NULL;
            INSERT OR IGNORE INTO target_owners
                SELECT DISTINCT 'subscription', subscription_id, customer_id FROM comms_requests
                WHERE subscription_id IS NOT NULL AND customer_id IS NOT NULL;
            DROP INDEX requests_account;
            DROP INDEX requests_subscription;
            """)
        }
        m.registerMigration("2026-12-07-status-updates-expire") { db in
            // Status updates taken are remembered for `Housekeeping.statusUpdateRetention`
            // (30 days), not forever: housekeeping deletes the older ones, oldest first, by the
            // time they were received.
            try db.execute(sql: "CREATE INDEX status_updates_received ON status_updates(received_at)")
        }
        m.registerMigration("2026-12-07-requests-status-leaves-out-the-queue") { db in
            // Every request entered `requests_status(status, id)` as it was written, awaiting
            // processing, and left it again when the monitor took it: one more B-tree insert at
            // intake and a delete at the claim, for rows `requests_queue` already indexes. Only
            // the API's list of requests by status reads the index; for those awaiting
            // processing (the newest rows, the queue drains oldest first) it walks the ids newest
            // first instead. `herald bench import --lines 500000`: 45,088 → 50,339 lines/s.
            try db.execute(sql: """
                DROP INDEX requests_status;
                CREATE INDEX requests_status ON comms_requests(status, id) WHERE \(StatusSQL.notAwaitingProcessing);
                """)
        }
        return m
    }
}
