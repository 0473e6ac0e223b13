import Foundation

/// A small, realistic catalog for `herald demo` and for tests: a telecom's welcome, payment
/// reminder (letter and email, raised by the `DEBT`/`DBAR` workflow event), data-usage alert,
/// bill-ready notice and number-porting notice. English throughout, French for WELCOME.
public enum SampleCatalog {
    /// The comms codes the sample defines.
    public static let codes = ["BILL_READY", "DATA_80", "PAYMENT_REMINDER", "PORTING_NOTICE", "WELCOME"]

    /// Writes the sample catalog into `directory` (created if needed; files of the same name
    /// are replaced, others left alone).
    public static func write(to directory: URL) throws {
        let fm = FileManager.default
        let all = files.mapValues { Data($0.utf8) }.merging(binaryFiles) { text, _ in text }
        for (path, data) in all {
            let url = directory.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
    }

    /// Relative path → bytes.
    static let binaryFiles: [String: Data] = [
        "WELCOME/assets/logo.png": logo,
        "PAYMENT_REMINDER/assets/logo.png": logo,
    ]

    /// The logo, a 24×24 PNG (navy square, white H): WELCOME's `cid:logo`, PAYMENT_REMINDER's letterhead.
    static let logo = Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAALUlEQVR42mPgtp1IFcQwahA5Bv2HAZKkRg0aJAbhAQNk0GisDSGDRktIWhkEAIOjtd+jWoXjAAAAAElFTkSuQmCC")!

    /// Relative path → content.
    static let files: [String: String] = [
        "catalog.json": """
            {
              "defaultLanguage": "en"
            }

            """,

        // MARK: WELCOME
        "WELCOME/code.json": """
            {
              "code": "WELCOME",
              "description": "Welcome message for a new customer",
              "methods": ["email", "sms"],
              "priority": 2,
              "category": "service",
              "defaultFields": ["FIRSTNAME", "FULLNAME", "DEARSIRMADAM", "CUSTOMERID"],
              "requiredFields": [],
              "optionalFields": ["OFFERCODE"],
              "email": {
                "subject": "Welcome to Herald Telecom{{#FIRSTNAME}}, {{FIRSTNAME}}{{/FIRSTNAME}}",
                "subjects": {
                  "fr": "Bienvenue chez Herald Telecom{{#FIRSTNAME}}, {{FIRSTNAME}}{{/FIRSTNAME}}"
                },
                "from": "Herald Telecom <care@herald.example>",
                "replyTo": "Herald Telecom Care <care@herald.example>",
                "inlineImages": [{"file": "logo.png", "contentId": "logo"}]
              },
              "agentVisible": true,
              "active": true
            }

            """,
        "WELCOME/sms.en.mustache": """
            Welcome to Herald Telecom{{#FIRSTNAME}}, {{FIRSTNAME}}{{/FIRSTNAME}}! Your account is ready.{{#OFFERCODE}} Code {{OFFERCODE}} gives 10% off your first bill.{{/OFFERCODE}} Help: herald.example/help

            """,
        "WELCOME/sms.fr.mustache": """
            Bienvenue chez Herald Telecom{{#FIRSTNAME}}, {{FIRSTNAME}}{{/FIRSTNAME}} ! Votre compte est prêt.{{#OFFERCODE}} Code {{OFFERCODE}} : -10 % sur votre 1re facture.{{/OFFERCODE}} Aide : herald.example/aide

            """,
        "WELCOME/email.en.html.mustache": """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Welcome to Herald Telecom</title>
            </head>
            <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
            <tr><td align="center" style="padding:24px;">
              <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;">
                <tr><td style="background:#0b3d91;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:bold;"><img src="cid:logo" alt="" width="24" height="24" style="vertical-align:middle;margin-right:8px;">Herald Telecom</td></tr>
                <tr><td style="padding:28px;font-size:15px;line-height:1.5;">
                  <p>{{DEARSIRMADAM}},</p>
                  <p>Welcome to Herald Telecom. Your account is set up and ready to use.</p>
                  <p>Your customer number is <strong>{{CUSTOMERID}}</strong>. Please quote it whenever you contact us.</p>
                  {{#OFFERCODE}}
                  <p style="background:#eef4ff;border-left:4px solid #0b3d91;padding:12px 16px;">
                    As a thank-you, use code <strong>{{OFFERCODE}}</strong> for 10% off your first bill.
                  </p>
                  {{/OFFERCODE}}
                  <p>You can manage your plan, bills and preferences at any time at
                    <a href="https://herald.example/account" style="color:#0b3d91;">herald.example/account</a>.</p>
                  <p>Kind regards,<br>The Herald Telecom team</p>
                </td></tr>
                <tr><td style="padding:16px 28px;font-size:12px;color:#6b7280;border-top:1px solid #e5e7eb;">
                  Herald Telecom Ltd, PO Box 4210, London EC1A 1BB. This is a service message about your account.
                </td></tr>
              </table>
            </td></tr>
            </table>
            </body>
            </html>

            """,
        "WELCOME/email.en.txt.mustache": """
            {{DEARSIRMADAM}},

            Welcome to Herald Telecom. Your account is set up and ready to use.

            Your customer number is {{CUSTOMERID}}. Please quote it whenever you contact us.
            {{#OFFERCODE}}

            As a thank-you, use code {{OFFERCODE}} for 10% off your first bill.
            {{/OFFERCODE}}

            Manage your plan, bills and preferences at https://herald.example/account

            Kind regards,
            The Herald Telecom team

            """,
        "WELCOME/email.fr.html.mustache": """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <title>Bienvenue chez Herald Telecom</title>
            </head>
            <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
            <tr><td align="center" style="padding:24px;">
              <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;">
                <tr><td style="background:#0b3d91;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:bold;"><img src="cid:logo" alt="" width="24" height="24" style="vertical-align:middle;margin-right:8px;">Herald Telecom</td></tr>
                <tr><td style="padding:28px;font-size:15px;line-height:1.5;">
                  <p>{{#FIRSTNAME}}Bonjour {{FIRSTNAME}},{{/FIRSTNAME}}{{^FIRSTNAME}}Madame, Monsieur,{{/FIRSTNAME}}</p>
                  <p>Bienvenue chez Herald Telecom. Votre compte est créé et prêt à l’emploi.</p>
                  <p>Votre numéro client est <strong>{{CUSTOMERID}}</strong>. Merci de le rappeler à chaque contact.</p>
                  {{#OFFERCODE}}
                  <p style="background:#eef4ff;border-left:4px solid #0b3d91;padding:12px 16px;">
                    Pour vous remercier, le code <strong>{{OFFERCODE}}</strong> vous offre 10 % de réduction sur votre première facture.
                  </p>
                  {{/OFFERCODE}}
                  <p>Gérez votre forfait, vos factures et vos préférences sur
                    <a href="https://herald.example/compte" style="color:#0b3d91;">herald.example/compte</a>.</p>
                  <p>Cordialement,<br>L’équipe Herald Telecom</p>
                </td></tr>
                <tr><td style="padding:16px 28px;font-size:12px;color:#6b7280;border-top:1px solid #e5e7eb;">
                  Herald Telecom Ltd, PO Box 4210, London EC1A 1BB. Ce message concerne votre compte.
                </td></tr>
              </table>
            </td></tr>
            </table>
            </body>
            </html>

            """,
        "WELCOME/email.fr.txt.mustache": """
            {{#FIRSTNAME}}Bonjour {{FIRSTNAME}},{{/FIRSTNAME}}{{^FIRSTNAME}}Madame, Monsieur,{{/FIRSTNAME}}

            Bienvenue chez Herald Telecom. Votre compte est créé et prêt à l’emploi.

            Votre numéro client est {{CUSTOMERID}}. Merci de le rappeler à chaque contact.
            {{#OFFERCODE}}

            Pour vous remercier, le code {{OFFERCODE}} vous offre 10 % de réduction sur votre première facture.
            {{/OFFERCODE}}

            Gérez votre forfait, vos factures et vos préférences sur https://herald.example/compte

            Cordialement,
            L’équipe Herald Telecom

            """,

        // MARK: PAYMENT_REMINDER
        "PAYMENT_REMINDER/code.json": """
            {
              "code": "PAYMENT_REMINDER",
              "description": "Reminder that a payment is overdue (debt workflow, barring warning)",
              "methods": ["letter", "email"],
              "priority": 1,
              "category": "billing",
              "defaultFields": [
                "DEARSIRMADAM", "FULLNAME", "ADDRESSLINE1", "ADDRESSLINE2", "ADDRESSLINE3", "ADDRESSLINE4",
                "ADDRESSLINE5", "POSTCODE", "ACCOUNTNUMBER", "ACCOUNTAMOUNTDUE", "TODAY"
              ],
              "requiredFields": [],
              "optionalFields": [],
              "email": {
                "subject": "Payment reminder: {{ACCOUNTAMOUNTDUE}} overdue on account {{ACCOUNTNUMBER}}",
                "from": "Herald Telecom <care@herald.example>",
                "replyTo": "Herald Telecom Accounts <accounts@herald.example>",
                "attachLetter": "payment-reminder.pdf"
              },
              "agentVisible": true,
              "active": true,
              "workflowEvents": [
                {"eventType": "DEBT", "eventCode": "DBAR"}
              ]
            }

            """,
        "PAYMENT_REMINDER/letter.en.html.mustache": """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Payment reminder - account {{ACCOUNTNUMBER}}</title>
            <style>
              @page { size: A4; margin: 20mm 20mm 25mm 25mm;
                @bottom-left { content: "Herald Telecom Ltd - PO Box 4210, London EC1A 1BB"; font-size: 7.5pt; color: #666666; }
                @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 7.5pt; color: #666666; } }
              body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #1a1a1a; }
              .sender { text-align: right; font-size: 9pt; color: #555555; }
              .sender img { width: 12mm; height: 12mm; }
              .sender strong { font-size: 12pt; color: #0b3d91; }
              .address { position: absolute; top: 25mm; left: 0; width: 85mm; height: 40mm; }
              .date { margin: 30mm 0 5mm; }
              .reference { font-weight: bold; }
              .amount { font-size: 13pt; font-weight: bold; }
              .signature { margin-top: 12mm; }
              .footer { margin-top: 8mm; padding-top: 3mm; border-top: 1px solid #cccccc; font-size: 8.5pt; color: #666666; }
            </style>
            </head>
            <body>
            <div class="sender">
              <img src="logo.png" alt=""><br>
              <strong>Herald Telecom</strong><br>
              Customer Accounts<br>
              PO Box 4210<br>
              London EC1A 1BB<br>
              0330 010 2020
            </div>

            <div class="address">
              {{#FULLNAME}}{{FULLNAME}}<br>{{/FULLNAME}}
              {{#ADDRESSLINE1}}{{ADDRESSLINE1}}<br>{{/ADDRESSLINE1}}
              {{#ADDRESSLINE2}}{{ADDRESSLINE2}}<br>{{/ADDRESSLINE2}}
              {{#ADDRESSLINE3}}{{ADDRESSLINE3}}<br>{{/ADDRESSLINE3}}
              {{#ADDRESSLINE4}}{{ADDRESSLINE4}}<br>{{/ADDRESSLINE4}}
              {{#ADDRESSLINE5}}{{ADDRESSLINE5}}<br>{{/ADDRESSLINE5}}
              {{POSTCODE}}
            </div>

            <p class="date">{{TODAY}}</p>
            <p class="reference">Account number: {{ACCOUNTNUMBER}}</p>

            <p>{{DEARSIRMADAM}},</p>

            <p><strong>Your payment is overdue</strong></p>

            <p>Our records show that the balance of your account has not been paid. The amount now due is:</p>
            <p class="amount">{{ACCOUNTAMOUNTDUE}}</p>

            <p>Please pay this amount within 7 days of the date of this letter to avoid any restriction of your services.
            You can pay online at herald.example/pay, by calling 0330 010 2020, or by bank transfer quoting your account number
            as the reference.</p>

            <p>If you have already paid, thank you, and please ignore this letter. If you are having difficulty paying,
            please contact us as soon as possible: we can agree a payment plan with you.</p>

            <p class="signature">Yours sincerely,<br><br>Customer Accounts<br>Herald Telecom</p>

            <div class="footer">
              Herald Telecom Ltd, registered in England and Wales no. 01234567. Registered office: PO Box 4210, London EC1A 1BB.
            </div>
            </body>
            </html>

            """,
        "PAYMENT_REMINDER/email.en.html.mustache": """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Payment reminder</title>
            </head>
            <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
            <tr><td align="center" style="padding:24px;">
              <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;">
                <tr><td style="background:#0b3d91;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:bold;">Herald Telecom</td></tr>
                <tr><td style="padding:28px;font-size:15px;line-height:1.5;">
                  <p>{{DEARSIRMADAM}},</p>
                  <p>The balance of your account <strong>{{ACCOUNTNUMBER}}</strong> is overdue. The amount now due is:</p>
                  <p style="font-size:22px;font-weight:bold;margin:16px 0;">{{ACCOUNTAMOUNTDUE}}</p>
                  <p>Please pay within 7 days to avoid any restriction of your services.</p>
                  <p><a href="https://herald.example/pay" style="display:inline-block;background:#0b3d91;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;">Pay now</a></p>
                  <p>If you have already paid, thank you, and please ignore this email. If you are having difficulty paying,
                    call us on 0330 010 2020: we can agree a payment plan with you.</p>
                  <p>Customer Accounts<br>Herald Telecom</p>
                </td></tr>
                <tr><td style="padding:16px 28px;font-size:12px;color:#6b7280;border-top:1px solid #e5e7eb;">
                  Herald Telecom Ltd, PO Box 4210, London EC1A 1BB. This is a service message about your account.
                </td></tr>
              </table>
            </td></tr>
            </table>
            </body>
            </html>

            """,
        "PAYMENT_REMINDER/email.en.txt.mustache": """
            {{DEARSIRMADAM}},

            The balance of your account {{ACCOUNTNUMBER}} is overdue. The amount now due is {{ACCOUNTAMOUNTDUE}}.

            Please pay within 7 days to avoid any restriction of your services: https://herald.example/pay

            If you have already paid, thank you, and please ignore this email. If you are having difficulty
            paying, call us on 0330 010 2020: we can agree a payment plan with you.

            Customer Accounts
            Herald Telecom

            """,

        // MARK: DATA_80
        "DATA_80/code.json": """
            {
              "code": "DATA_80",
              "description": "Data allowance nearly used (usage alert from the charging system)",
              "methods": ["sms", "push"],
              "priority": 2,
              "category": "usage",
              "defaultFields": ["MSISDN", "PLAN"],
              "requiredFields": [],
              "optionalFields": ["PERCENT"],
              "push": {
                "title": "Data on {{MSISDN}}",
                "sound": "default",
                "badge": 1,
                "data": {"screen": "usage"},
                "collapseId": "data-usage",
                "ttlSeconds": 86400
              },
              "agentVisible": true,
              "active": true
            }

            """,
        "DATA_80/sms.en.mustache": """
            Herald Telecom: you have used {{#PERCENT}}{{PERCENT}}%{{/PERCENT}}{{^PERCENT}}80%{{/PERCENT}} of your {{PLAN}} data on {{MSISDN}}. Add more at herald.example/data or text DATA to 2020.

            """,
        "DATA_80/push.en.mustache": """
            {{#PERCENT}}{{PERCENT}}%{{/PERCENT}}{{^PERCENT}}80%{{/PERCENT}} of your {{PLAN}} data used. Tap to add more.

            """,

        // MARK: Triggers of external notifications
        "triggers/DATA_80_PCT.json": """
            {
              "triggerId": "DATA_80_PCT",
              "description": "Data allowance threshold crossed (the charging system's notification)",
              "action": "sendComm",
              "commsCode": "DATA_80",
              "priority": 1,
              "fields": {"PERCENT": "PERCENT"},
              "requiredAttributes": ["PERCENT"]
            }

            """,

        // MARK: BILL_READY
        "BILL_READY/code.json": """
            {
              "code": "BILL_READY",
              "description": "A new bill is available",
              "methods": ["online", "email"],
              "priority": 3,
              "category": "billing",
              "defaultFields": ["DEARSIRMADAM", "FIRSTNAME", "ACCOUNTNUMBER", "ACCOUNTAMOUNTDUE", "TODAY"],
              "requiredFields": [],
              "optionalFields": ["BILLDATE"],
              "email": {
                "subject": "Your Herald Telecom bill is ready",
                "from": "Herald Telecom <care@herald.example>"
              },
              "agentVisible": true,
              "active": true
            }

            """,
        "BILL_READY/online.en.mustache": """
            Your bill{{#BILLDATE}} of {{BILLDATE}}{{/BILLDATE}} for account {{ACCOUNTNUMBER}} is ready. Amount due: {{ACCOUNTAMOUNTDUE}}. View and pay it under Bills.

            """,
        "BILL_READY/email.en.html.mustache": """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Your bill is ready</title>
            </head>
            <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
            <tr><td align="center" style="padding:24px;">
              <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border-radius:6px;">
                <tr><td style="background:#0b3d91;color:#ffffff;padding:20px 28px;font-size:20px;font-weight:bold;">Herald Telecom</td></tr>
                <tr><td style="padding:28px;font-size:15px;line-height:1.5;">
                  <p>{{DEARSIRMADAM}},</p>
                  <p>Your bill{{#BILLDATE}} of {{BILLDATE}}{{/BILLDATE}} for account <strong>{{ACCOUNTNUMBER}}</strong> is ready.</p>
                  <p>Amount due: <strong>{{ACCOUNTAMOUNTDUE}}</strong></p>
                  <p><a href="https://herald.example/bills" style="display:inline-block;background:#0b3d91;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;">View your bill</a></p>
                  <p>If you pay by Direct Debit there is nothing more to do.</p>
                  <p>Kind regards,<br>The Herald Telecom team</p>
                </td></tr>
              </table>
            </td></tr>
            </table>
            </body>
            </html>

            """,

        // MARK: PORTING_NOTICE
        "PORTING_NOTICE/code.json": """
            {
              "code": "PORTING_NOTICE",
              "description": "Number porting notice for the porting partner system",
              "methods": ["external"],
              "external": {"system": "PORTAL"},
              "priority": 2,
              "category": "service",
              "defaultFields": ["CUSTOMERID", "MSISDN", "FULLNAME"],
              "requiredFields": [],
              "optionalFields": ["PORTDATE", "RECIPIENTNETWORK"],
              "agentVisible": true,
              "active": true
            }

            """,
        "PORTING_NOTICE/external.en.mustache": """
            NOTICE=PORTING_OUT
            CUSTOMERID={{CUSTOMERID}}
            MSISDN={{MSISDN}}
            NAME={{FULLNAME}}
            PORTDATE={{PORTDATE}}
            RECIPIENTNETWORK={{RECIPIENTNETWORK}}

            """,
    ]
}
