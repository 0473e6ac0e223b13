import Letterpress
import Testing

@Test func debugDump() throws {
    let body = (1...40).map { "<tr><td>Item \($0)</td><td>Service fee</td><td class='n'>\($0).00</td></tr>" }.joined()
    let html = LayoutTestSupport.document("""
            <p>Invoice</p>
            <table><thead><tr><th>Item</th><th>Description</th><th>Amount</th></tr></thead>
            <tbody>\(body)</tbody><tfoot><tr><td colspan="2">Total</td><td class='n'>999.00</td></tr></tfoot></table>
            """, css: """
            table { width: 100%; border-collapse: collapse }
            td, th { border: 0.5pt solid black; padding: 2pt }
            .n { text-align: right }
            """)
    let result = try LayoutTestSupport.layOut(html)
    for page in result.pages.prefix(2) {
        print("PAGE")
        for line in try LayoutTestSupport.runs(of: page).prefix(12) { print(line.baseline, line.minX, line.maxX, line.text) }
        for item in page.items.prefix(14) { if case .line(let f, let t, let w, _, _) = item { print("line", f, t, w) } }
    }
    print(result.pages.count, result.warnings)
}
