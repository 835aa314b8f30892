import ArenaScreen

/// The panes' places on the screen, in Tab order.
public enum PaneID: Int, CaseIterable, Sendable {
    case pageMap, ranges, hexdump, chase

    public var title: String {
        switch self {
        case .pageMap: "Page map"
        case .ranges: "Allocator ranges"
        case .hexdump: "Hexdump"
        case .chase: "Pointer chase"
        }
    }
}

/// Where each pane goes for a terminal size.
///
/// - 140 columns and more: page map over ranges on the left (60 columns or more: the ranges'
///   columns and the legend whole), hexdump over chase on the right.
/// - 80x24 up to that: page map beside ranges, then hexdump, then chase, full width.
/// - 40x12 up to that (reduced): the focused pane alone; Tab changes it.
/// - Below 40x12: no panes, a message.
public struct Layout: Equatable {
    public static let minimum = (width: 40, height: 12)
    public static let full = (width: 80, height: 24)
    /// From this width the panes stand in two columns, the hexdump's 80 on the right.
    public static let twoColumns = 140

    public let width: Int
    public let height: Int
    public let focus: PaneID
    /// Rows under the panes: the status bar, and a timeline above it for recordings.
    public let barRows: Int

    public init(width: Int, height: Int, focus: PaneID, barRows: Int = 1) {
        self.width = width
        self.height = height
        self.focus = focus
        self.barRows = barRows
    }

    public var isTooSmall: Bool { width < Self.minimum.width || height < Self.minimum.height }
    public var isReduced: Bool { !isTooSmall && (width < Self.full.width || height < Self.full.height) }

    /// The status bar's row.
    public var statusRow: Int { height - 1 }
    /// The timeline's row, when there is one.
    public var timelineRow: Int? { barRows > 1 ? height - 2 : nil }

    /// The pane's rectangle, or nil when it is not shown.
    public func rect(_ pane: PaneID) -> Rect? {
        guard !isTooSmall else { return nil }
        let body = height - barRows
        if isReduced { return pane == focus ? Rect(x: 0, y: 0, width: width, height: body) : nil }
        if width >= Self.twoColumns {
            let right = 80
            let left = width - right
            let mapHeight = body * 3 / 5
            let chaseHeight = max(8, body / 3)
            switch pane {
            case .pageMap: return Rect(x: 0, y: 0, width: left, height: mapHeight)
            case .ranges: return Rect(x: 0, y: mapHeight, width: left, height: body - mapHeight)
            case .hexdump: return Rect(x: left, y: 0, width: right, height: body - chaseHeight)
            case .chase: return Rect(x: left, y: body - chaseHeight, width: right, height: chaseHeight)
            }
        }
        let topHeight = body * 2 / 5
        let hexHeight = (body - topHeight) * 3 / 5
        let half = width / 2
        switch pane {
        case .pageMap: return Rect(x: 0, y: 0, width: half, height: topHeight)
        case .ranges: return Rect(x: half, y: 0, width: width - half, height: topHeight)
        case .hexdump: return Rect(x: 0, y: topHeight, width: width, height: hexHeight)
        case .chase: return Rect(x: 0, y: topHeight + hexHeight, width: width, height: body - topHeight - hexHeight)
        }
    }
}
