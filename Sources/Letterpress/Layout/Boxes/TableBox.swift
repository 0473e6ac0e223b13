import StyledHTML

/// A table's structure after anonymous-box repair: captions, columns, and rows in paint order
/// (header rows, body rows, footer rows).
final class TableBox {
    var captions: [LayoutBox] = []
    /// Column widths from `<col>` / `<colgroup>` (`auto` when none).
    var columnWidths: [ComputedStyle.Length] = []
    var rows: [TableRowBox] = []
    /// The first `headerRowCount` rows come from the `thead` group.
    var headerRowCount = 0
    /// The last `footerRowCount` rows come from the `tfoot` group.
    var footerRowCount = 0
    /// Number of grid columns (after colspans).
    var columnCount = 0
}

/// One table row and its cells.
final class TableRowBox {
    let style: ComputedStyle
    /// Background of the row group the row belongs to.
    var groupBackground: Color?
    var cells: [TableCellBox] = []

    init(style: ComputedStyle) {
        self.style = style
    }
}

/// One cell: a block container spanning `colspan` columns from `column`.
final class TableCellBox {
    let box: LayoutBox
    let colspan: Int
    var column = 0

    init(box: LayoutBox, colspan: Int) {
        self.box = box
        self.colspan = colspan
    }
}
