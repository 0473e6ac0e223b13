import HeraldCore

/// A representation written with ``JSONBuffer``.
protocol JSONWritable {
    func write(to json: inout JSONBuffer)
}
