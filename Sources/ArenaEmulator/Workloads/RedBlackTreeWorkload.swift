import ArenaModel

/// A red-black tree of `{ parent; left; right; key; value; is_red }` nodes kept entirely in
/// arena memory, with random inserts and deletes.
public final class RedBlackTreeWorkload: Workload {
    public static let name = "rbtree"
    public static let summary = "a red-black tree of {parent, left, right, key, value, is_red} nodes: insert, delete"
    public static let defaultPages: UInt32 = 1024

    /// Field offsets of a node.
    enum Field: UInt64 {
        case parent = 0, left = 8, right = 16, key = 24, value = 32, isRed = 40
    }

    static let nodeSize = 48
    static let keySpace = 4096
    private let arena: EmulatedArena
    private let objects: PageFragAllocator
    private var random: SeededGenerator
    /// The tree header `{ root; count }`.
    let header: UInt64
    private var nodes: [UInt64: UInt64] = [:]

    public required init(arena: EmulatedArena, seed: UInt64) {
        self.arena = arena
        objects = PageFragAllocator(arena: arena)
        random = SeededGenerator(seed: seed)
        header = objects.allocate(16)
        for _ in 0..<64 { insert(UInt64(random.below(Self.keySpace))) }
    }

    public func step() {
        let key = UInt64(random.below(Self.keySpace))
        if nodes.count > 48 && (nodes.count > 500 || random.chance(45)), let victim = nodes.keys.min(by: { ($0 ^ key) < ($1 ^ key) }) {
            delete(victim)
        } else {
            insert(key)
        }
    }

    public var roots: [StructureRoot] {
        [
            StructureRoot(name: "root", address: root, nextOffset: Field.left.rawValue, type: "struct rb_elem", origin: Self.rootOrigin),
            StructureRoot(name: "tree", address: header, type: "struct rb_tree", origin: Self.rootOrigin),
        ]
    }

    /// Keys in the tree, from the Swift-side bookkeeping.
    var keys: Set<UInt64> { Set(nodes.keys) }

    // MARK: node access through arena memory

    var root: UInt64 {
        get { arena.bpfLoadPointer(header) }
        set { arena.bpfStorePointer(header, newValue) }
    }

    func get(_ node: UInt64, _ field: Field) -> UInt64 {
        guard node != 0 else { return 0 }
        return field == .key || field == .value || field == .isRed
            ? arena.bpfLoad(node + field.rawValue) : arena.bpfLoadPointer(node + field.rawValue)
    }

    private func set(_ node: UInt64, _ field: Field, _ value: UInt64) {
        guard node != 0 else { return }
        if field == .key || field == .value || field == .isRed {
            arena.bpfStore(node + field.rawValue, value)
        } else {
            arena.bpfStorePointer(node + field.rawValue, value)
        }
    }

    func isRed(_ node: UInt64) -> Bool { node != 0 && get(node, .isRed) != 0 }
    private func paint(_ node: UInt64, red: Bool) { set(node, .isRed, red ? 1 : 0) }

    // MARK: insert

    private func insert(_ key: UInt64) {
        if let existing = nodes[key] {
            set(existing, .value, get(existing, .value) &+ 1)
            return
        }
        let node = objects.allocate(Self.nodeSize)
        guard node != 0 else { return }
        set(node, .key, key)
        set(node, .value, key &* 31)
        paint(node, red: true)
        var parent: UInt64 = 0
        var cursor = root
        while cursor != 0 {
            parent = cursor
            cursor = key < get(cursor, .key) ? get(cursor, .left) : get(cursor, .right)
        }
        set(node, .parent, parent)
        if parent == 0 { root = node } else if key < get(parent, .key) { set(parent, .left, node) } else { set(parent, .right, node) }
        nodes[key] = node
        arena.bpfStore(header + 8, UInt64(nodes.count))
        insertFixup(node)
    }

    private func insertFixup(_ start: UInt64) {
        var node = start
        while node != root && isRed(get(node, .parent)) {
            var parent = get(node, .parent)
            let grand = get(parent, .parent)
            let parentIsLeft = parent == get(grand, .left)
            let uncle = get(grand, parentIsLeft ? .right : .left)
            if isRed(uncle) {
                paint(parent, red: false)
                paint(uncle, red: false)
                paint(grand, red: true)
                node = grand
                continue
            }
            if node == get(parent, parentIsLeft ? .right : .left) {
                node = parent
                rotate(node, left: parentIsLeft)
                parent = get(node, .parent)
            }
            paint(parent, red: false)
            paint(grand, red: true)
            rotate(grand, left: !parentIsLeft)
        }
        paint(root, red: false)
    }

    /// Rotates around `node`: left moves its right child up, right its left child.
    private func rotate(_ node: UInt64, left: Bool) {
        let (up, down): (Field, Field) = left ? (.right, .left) : (.left, .right)
        let child = get(node, up)
        let inner = get(child, down)
        set(node, up, inner)
        if inner != 0 { set(inner, .parent, node) }
        let parent = get(node, .parent)
        set(child, .parent, parent)
        if parent == 0 { root = child } else if node == get(parent, .left) { set(parent, .left, child) } else { set(parent, .right, child) }
        set(child, down, node)
        set(node, .parent, child)
    }

    // MARK: delete

    private func delete(_ key: UInt64) {
        guard let node = nodes.removeValue(forKey: key) else { return }
        var removedRed = isRed(node)
        var child: UInt64
        var childParent: UInt64
        if get(node, .left) == 0 {
            child = get(node, .right)
            childParent = get(node, .parent)
            transplant(node, child)
        } else if get(node, .right) == 0 {
            child = get(node, .left)
            childParent = get(node, .parent)
            transplant(node, child)
        } else {
            var successor = get(node, .right)
            while get(successor, .left) != 0 { successor = get(successor, .left) }
            removedRed = isRed(successor)
            child = get(successor, .right)
            if get(successor, .parent) == node {
                childParent = successor
            } else {
                childParent = get(successor, .parent)
                transplant(successor, child)
                set(successor, .right, get(node, .right))
                set(get(successor, .right), .parent, successor)
            }
            transplant(node, successor)
            set(successor, .left, get(node, .left))
            set(get(successor, .left), .parent, successor)
            paint(successor, red: isRed(node))
        }
        if !removedRed { deleteFixup(child, parent: childParent) }
        arena.bpfStore(header + 8, UInt64(nodes.count))
        objects.free(node)
    }

    private func transplant(_ old: UInt64, _ new: UInt64) {
        let parent = get(old, .parent)
        if parent == 0 { root = new } else if old == get(parent, .left) { set(parent, .left, new) } else { set(parent, .right, new) }
        if new != 0 { set(new, .parent, parent) }
    }

    private func deleteFixup(_ start: UInt64, parent startParent: UInt64) {
        var node = start
        var parent = startParent
        while node != root && !isRed(node) && parent != 0 {
            let isLeft = node == get(parent, .left)
            let (near, far): (Field, Field) = isLeft ? (.left, .right) : (.right, .left)
            var sibling = get(parent, far)
            if isRed(sibling) {
                paint(sibling, red: false)
                paint(parent, red: true)
                rotate(parent, left: isLeft)
                sibling = get(parent, far)
            }
            if !isRed(get(sibling, .left)) && !isRed(get(sibling, .right)) {
                paint(sibling, red: true)
                node = parent
                parent = get(node, .parent)
            } else {
                if !isRed(get(sibling, far)) {
                    paint(get(sibling, near), red: false)
                    paint(sibling, red: true)
                    rotate(sibling, left: !isLeft)
                    sibling = get(parent, far)
                }
                paint(sibling, red: isRed(parent))
                paint(parent, red: false)
                paint(get(sibling, far), red: false)
                rotate(parent, left: isLeft)
                node = root
                parent = 0
            }
        }
        paint(node, red: false)
    }
}
