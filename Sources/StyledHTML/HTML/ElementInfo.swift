/// What matching needs to know about each element, reference-free.
struct ElementInfo: Sendable {
    var name: UInt64 = 0
    var id: UInt64 = 0
    var classStart: Int32 = 0
    var classCount: Int32 = 0
    var parent: Int32 = -1
    var previousElement: Int32 = -1
    var nextElement: Int32 = -1
    var elementIndex: Int32 = 0
    var elementChildCount: Int32 = 0
    var hasChildren = false
}
