// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "HeraldCore", targets: ["HeraldCore"]),
        .library(name: "HeraldCatalog", targets: ["HeraldCatalog"]),
        .library(name: "HeraldSQLite", targets: ["HeraldSQLite"]),
        .library(name: "HeraldPipeline", targets: ["HeraldPipeline"]),
        .library(name: "HeraldTransports", targets: ["HeraldTransports"]),
        .library(name: "HeraldHTTP", targets: ["HeraldHTTP"]),
        .library(name: "HeraldApp", targets: ["HeraldApp"]),
        .library(name: "HeraldAgentView", targets: ["HeraldAgentView"]),
        .library(name: "AddrSpec", targets: ["AddrSpec"]),
        .library(name: "SMPP", targets: ["SMPP"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .library(name: "MIME", targets: ["MIME"]),
        .library(name: "OpenType", targets: ["OpenType"]),
        .library(name: "RasterImages", targets: ["RasterImages"]),
        .library(name: "PDF", targets: ["PDF"]),
        .library(name: "StyledHTML", targets: ["StyledHTML"]),
        .library(name: "Letterpress", targets: ["Letterpress"]),
        .library(name: "S3", targets: ["S3"]),
        .library(name: "DataMatrix", targets: ["DataMatrix"]),
        .library(name: "SFTP", targets: ["SFTP"]),
        .library(name: "PrintMarks", targets: ["PrintMarks"]),
        .library(name: "STOMP", targets: ["STOMP"]),
        .library(name: "Push", targets: ["Push"]),
        .library(name: "StandardWebhooks", targets: ["StandardWebhooks"]),
        .library(name: "WebhookClient", targets: ["WebhookClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.2.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),  // HummingbirdBcrypt only
    ],
    targets: [
        // Values and rules, no I/O.
        .target(
            name: "HeraldCore",
            dependencies: [
                "EntropyPool", "AddrSpec",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 only: document hashes and their chain
            ],
            swiftSettings: swiftSettings
        ),
        // The catalog folder: comms-code definitions and Mustache templates.
        .target(
            name: "HeraldCatalog",
            dependencies: [
                "HeraldCore", "Letterpress",  // lays letter templates out to check the print clear strip
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Kernel randomness in bulk (identifiers, MIME boundaries); no dependencies.
        .target(name: "EntropyPool", swiftSettings: swiftSettings),
        // The one set of e-mail address rules (core and MIME); no dependencies.
        .target(name: "AddrSpec", swiftSettings: swiftSettings),
        // A process-wide SQLite setting only C can make (sqlite3_config is variadic).
        .target(
            name: "HeraldSQLiteTuning",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // CommsStore on GRDB/SQLite.
        .target(
            name: "HeraldSQLite",
            dependencies: [
                "HeraldCore", "HeraldSQLiteTuning",
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 only: idempotency key hashes
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Jobs and daemons, each a Service; the one claim loop.
        .target(
            name: "HeraldPipeline",
            dependencies: [
                "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Transmitters: the outbox transport (later SMTP/SMPP adapters).
        .target(
            name: "HeraldTransports",
            dependencies: [
                "HeraldCore", "SMPP", "MIME", "SMTP", "Letterpress", "S3", "SFTP", "STOMP", "Push", "StandardWebhooks", "WebhookClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),  // print batches
            ],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application.
        .target(
            name: "HeraldHTTP",
            dependencies: [
                "HeraldCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // AgentView: the server-rendered pages for customer-service agents under /agent (sign-in,
        // sessions, CSRF, roles, search, customer), and bcrypt passwords for `herald users`.
        .target(
            name: "HeraldAgentView",
            dependencies: [
                "HeraldCore", "HeraldHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),  // bcrypt off the cooperative pool
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration, wiring, serve, demo, import.
        .target(
            name: "HeraldApp",
            dependencies: [
                "HeraldCore", "HeraldCatalog", "HeraldSQLite", "HeraldPipeline",
                "HeraldTransports", "HeraldHTTP", "HeraldAgentView", "Letterpress", "SFTP", "PrintMarks", "StandardWebhooks", "STOMP",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `herald bench`: the benchmarks, and the loopback SMSC they (and the SMPP route's tests) send to.
        .target(
            name: "HeraldBench",
            dependencies: [
                "HeraldApp", "HeraldCore", "HeraldCatalog", "HeraldPipeline", "HeraldSQLite", "HeraldTransports", "SMPP",
                "Push", "HeraldTestSupport", "StandardWebhooks",  // `herald bench push`: the APNs client and the in-process HTTP/2 sink
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // `herald bench status` posts to its own server
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "HeraldApp", "HeraldBench", "HeraldCore", "HeraldCatalog", "HeraldSQLite", "HeraldTransports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Standalone protocol modules: no Herald dependency, usable on their own.
        .target(
            name: "SMPP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MIME",
            dependencies: [
                "EntropyPool", "AddrSpec",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // An S3 client: the SigV4 signer (pure) and object operations on AsyncHTTPClient.
        .target(
            name: "S3",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // An SFTP v3 client on swift-nio-ssh: known_hosts checking, key/password auth, pipelined writes, a session pool.
        .target(
            name: "SFTP",
            dependencies: [
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A STOMP 1.2 client (message-queue hand-off to ActiveMQ and other brokers): receipts, heart-beats, reconnect.
        .target(
            name: "STOMP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Push providers over HTTP/2: APNs (ES256 provider tokens, its own NIOHTTP2 transport) and FCM HTTP v1
        // (OAuth2 from a service account, on AsyncHTTPClient).
        .target(
            name: "Push",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),  // APNs: its own HTTP/2 transport
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),  // ALPN
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Standard Webhooks signatures (HMAC-SHA256 `v1`): signing and verifying; no I/O.
        .target(
            name: "StandardWebhooks",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // A lean HTTP/1.1 client for webhooks: keep-alive pools per origin, one write per request, vetted addresses.
        .target(
            name: "WebhookClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Letters: HTML/CSS to PDF. Each layer is a standalone module; Letterpress ties them together.
        // TrueType/OpenType (glyf) parsing, metrics, kerning and subsetting.
        .target(name: "OpenType", swiftSettings: swiftSettings),
        // PNG decoding and JPEG inspection.
        .target(
            name: "RasterImages",
            dependencies: [
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A PDF 1.7 writer: pages, text in embedded font subsets, images, links, PDF/A-2b.
        .target(
            name: "PDF",
            dependencies: [
                "OpenType",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Data Matrix ECC 200 symbols (ISO/IEC 16022) as module grids; no dependencies.
        .target(name: "DataMatrix", swiftSettings: swiftSettings),
        // Print-bureau production marks: blank backs and a Data Matrix per sheet, stamped onto finished PDFs.
        .target(name: "PrintMarks", dependencies: ["PDF", "DataMatrix"], swiftSettings: swiftSettings),
        // Tolerant HTML parsing, CSS parsing and the cascade into a styled tree.
        .target(name: "StyledHTML", swiftSettings: swiftSettings),
        // Layout, pagination and painting: HTML + assets -> PDF bytes.
        .target(
            name: "Letterpress",
            dependencies: [
                "OpenType", "RasterImages", "PDF", "StyledHTML",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Resources/Fonts")],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the test targets (not a product): running the independent
        // checkers (python3, qpdf, poppler) without blocking the cooperative pool,
        // and an in-process scripted SMTP server.
        .target(
            name: "HeraldTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),  // the in-process APNs/FCM servers (tests and `herald bench push`)
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),  // throw-away CAs for the TLS test servers
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by HeraldAppTests and HeraldAppIntegrationTests (not a product).
        .target(
            name: "HeraldAppTestSupport",
            dependencies: [
                "HeraldApp", "HeraldCatalog", "HeraldCore", "HeraldSQLite", "HeraldTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "OpenTypeTests", dependencies: ["OpenType", "HeraldTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RasterImagesTests", dependencies: ["RasterImages", "HeraldTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PDFTests", dependencies: ["PDF", "OpenType", "HeraldTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StyledHTMLTests", dependencies: ["StyledHTML"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LetterpressTests",
            dependencies: ["Letterpress", "OpenType", "PDF", "StyledHTML", "RasterImages", "HeraldTestSupport",
                           .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMPPTests",
            dependencies: ["SMPP", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Against the smpp34 SMSC scripts/servers/smsc.sh starts (HERALD_TEST_SMSC_PORT).
        .testTarget(
            name: "SMPPIntegrationTests",
            dependencies: ["SMPP", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MIMETests",
            dependencies: ["HeraldTestSupport", "MIME"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: ["HeraldTestSupport", "SMTP", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Against the aiosmtpd scripts/servers/smtp.sh starts (HERALD_TEST_SMTP_*), and its test CA.
        .testTarget(
            name: "SMTPIntegrationTests",
            dependencies: ["HeraldTestSupport", "SMTP", "MIME", .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: swiftSettings
        ),
        // The signer against AWS's test suite and botocore; the client against in-process fakes.
        .testTarget(
            name: "S3Tests",
            dependencies: ["S3", "HeraldTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Against the moto S3 server scripts/servers/s3.sh starts (HERALD_TEST_S3_ENDPOINT).
        .testTarget(
            name: "S3IntegrationTests",
            dependencies: ["S3", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Codewords against published and zxing-cpp values; symbols drawn into PDFs and decoded by libdmtx and zxing-cpp.
        .testTarget(name: "DataMatrixTests", dependencies: ["DataMatrix", "PDF", "HeraldTestSupport"], swiftSettings: swiftSettings),
        // The stamper and the marks on Letterpress letters: qpdf, pdftotext, pdfinfo; codes read back by libdmtx and zxing-cpp.
        .testTarget(
            name: "PrintMarksTests",
            dependencies: ["PrintMarks", "PDF", "Letterpress", "HeraldCatalog", "HeraldTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Codec, state machine, known_hosts and key files; the client against an in-process SSH server with faults.
        .testTarget(
            name: "SFTPTests",
            dependencies: ["SFTP", .product(name: "NIOSSH", package: "swift-nio-ssh"), .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Against the OpenSSH sshd scripts/servers/sshd.sh starts (HERALD_TEST_SFTP_*).
        .testTarget(
            name: "SFTPIntegrationTests",
            dependencies: ["SFTP"],
            swiftSettings: swiftSettings
        ),
        // Frame codec and session state machine; the client against an in-process fault-injecting broker.
        .testTarget(
            name: "STOMPTests",
            dependencies: ["STOMP", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Against the ActiveMQ broker scripts/servers/activemq.sh starts (HERALD_TEST_STOMP_*), read back with stomp.py;
        // also the queue transmitter (HeraldTransports) against it.
        .testTarget(
            name: "STOMPIntegrationTests",
            dependencies: ["STOMP", "HeraldTestSupport", "HeraldCore", "HeraldTransports", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // APNs and FCM clients against in-process HTTP/2 TLS servers that verify every JWT.
        .testTarget(
            name: "PushTests",
            dependencies: ["Push", "HeraldTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "JWTKit", package: "jwt-kit"),
                           .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // The signer against the specification's examples and the `standardwebhooks` Python package.
        .testTarget(
            name: "StandardWebhooksTests",
            dependencies: ["StandardWebhooks", "HeraldTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The parser, and the client against in-process fault-injecting servers (plain and TLS).
        .testTarget(
            name: "WebhookClientTests",
            dependencies: ["WebhookClient", "HeraldTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AddrSpecTests", dependencies: ["AddrSpec"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HeraldCoreTests",
            dependencies: ["HeraldCore", "EntropyPool"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldCatalogTests",
            dependencies: ["HeraldCore", "HeraldCatalog"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldSQLiteTests",
            dependencies: [
                "HeraldCore", "HeraldSQLite",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldHTTPTests",
            dependencies: [
                "HeraldCore", "HeraldHTTP", "HeraldSQLite", "HeraldTestSupport",  // python3 jsonschema checks the CMP schema examples
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // AgentView in-process (HummingbirdTesting) on the real SQLite store.
        .testTarget(
            name: "HeraldAgentViewTests",
            dependencies: [
                "HeraldCore", "HeraldHTTP", "HeraldSQLite", "HeraldAgentView",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldPipelineTests",
            dependencies: ["HeraldCore", "HeraldPipeline", "HeraldSQLite", "HeraldTransports",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldTransportsTests",
            dependencies: ["HeraldCore", "HeraldTransports", "SMTP", "SMPP", "S3", "SFTP", "HeraldTestSupport",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HeraldAppTests",
            dependencies: [
                "HeraldCore", "HeraldApp", "HeraldHTTP", "HeraldSQLite", "HeraldPipeline",
                "HeraldCatalog", "HeraldTransports", "HeraldBench", "HeraldTestSupport", "HeraldAppTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Emails to the aiosmtpd and Postfix that scripts/servers/ start (and to aiosmtpd
        // scripted by the tests), SMS to the smpp34 SMSC: needs scripts/test.sh.
        .testTarget(
            name: "HeraldAppIntegrationTests",
            dependencies: [
                "HeraldCore", "HeraldApp", "HeraldSQLite", "HeraldCatalog", "HeraldTransports", "HeraldTestSupport", "HeraldAppTestSupport", "S3",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
