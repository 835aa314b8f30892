import CLibBPF
import Glibc

/// A loaded BPF object (libbpf's `struct bpf_object`), closed when released.
final class BPFObject {
    private let handle: OpaquePointer
    /// libbpf keeps pointers into the ELF image until the object is closed.
    private let image: UnsafeMutableRawBufferPointer

    /// Opens `embedded`, lets `prepare` adjust maps (e.g. reuse an fd), and loads it.
    init(_ embedded: EmbeddedBPF, prepare: (BPFObject) throws(LiveError) -> Void = { _ in }) throws(LiveError) {
        BPFObject.silenceLibbpf
        let bytes = embedded.bytes
        image = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        image.copyBytes(from: bytes)
        guard let opened = bpf_object__open_mem(image.baseAddress, bytes.count, nil) else {
            image.deallocate()
            throw .system(call: "opening BPF object \(embedded.name)", errno: errno)
        }
        handle = opened
        try prepare(self)
        let result = bpf_object__load(handle)
        guard result == 0 else {
            let code = -result
            if code == EPERM { throw .refusal("load arenascope's BPF program \(embedded.name)", needs: [.bpf, .perfmon]) }
            // EACCES is the verifier's refusal; ARENASCOPE_LIBBPF_LOG=1 prints its log.
            throw .system(call: "loading BPF object \(embedded.name)", errno: code)
        }
    }

    deinit {
        bpf_object__close(handle)
        image.deallocate()
    }

    /// libbpf prints to stderr by default; arenascope reports errors itself, unless
    /// ARENASCOPE_LIBBPF_LOG is set (then libbpf's messages, verifier logs included, show).
    private static let silenceLibbpf: Void = {
        if getenv("ARENASCOPE_LIBBPF_LOG") != nil {
            _ = libbpf_set_print { _, format, arguments in arguments.map { vdprintf(2, format, $0) } ?? 0 }
        } else {
            _ = libbpf_set_print(nil)
        }
    }()

    /// The map called `name` (libbpf's `struct bpf_map *`).
    func map(_ name: String) throws(LiveError) -> OpaquePointer {
        guard let map = bpf_object__find_map_by_name(handle, name) else {
            throw .system(call: "finding map \(name)", errno: ENOENT)
        }
        return map
    }

    func mapFD(_ name: String) throws(LiveError) -> Int32 {
        bpf_map__fd(try map(name))
    }

    /// The kernel's id of the map called `name`.
    func mapID(_ name: String) throws(LiveError) -> UInt32 {
        try LiveMap.info(try mapFD(name)).id
    }

    func program(_ name: String) throws(LiveError) -> OpaquePointer {
        guard let program = bpf_object__find_program_by_name(handle, name) else {
            throw .system(call: "finding program \(name)", errno: ENOENT)
        }
        return program
    }

    func programFD(_ name: String) throws(LiveError) -> Int32 {
        bpf_program__fd(try program(name))
    }

    /// Hands libbpf the map `name` already open as `fd` (an arena made elsewhere); before load.
    func reuseMap(_ name: String, fd: Int32) throws(LiveError) {
        let result = bpf_map__reuse_fd(try map(name), fd)
        guard result == 0 else { throw .system(call: "handing map \(name) to libbpf", errno: -result) }
    }

    /// Runs the workload-shaped program `name` (`struct wl_args` in and out) once; a non-zero
    /// return is a failure.
    func runWorkload(_ name: String, _ a: UInt64 = 0, _ b: UInt64 = 0, _ c: UInt64 = 0) throws(LiveError) -> wl_args {
        var args = wl_args(a: a, b: b, c: c, result: 0, result2: 0)
        guard try runProgram(try programFD(name), &args) == 0 else { throw .system(call: "workload program \(name)", errno: EINVAL) }
        return args
    }
}

/// A shared mapping of an mmapable BPF array map of `Element`s, unmapped when released.
final class MappedArray<Element> {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    private let length: Int

    init(fd: Int32, capacity: Int, writable: Bool = false) throws(LiveError) {
        let bytes = MemoryLayout<Element>.stride * capacity
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        length = (bytes + pageSize - 1) / pageSize * pageSize
        let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        let address = mmap(nil, length, protection, MAP_SHARED, fd, 0)
        guard let address, address != MAP_FAILED else { throw .system(call: "mmap of a result map", errno: errno) }
        base = address.assumingMemoryBound(to: Element.self)
        self.capacity = capacity
    }

    deinit { munmap(base, length) }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < capacity)
            return base[index]
        }
        set {
            precondition(index >= 0 && index < capacity)
            base[index] = newValue
        }
    }
}

/// Runs a program once with BPF_PROG_TEST_RUN and `context` as its in/out context (a
/// syscall program's arguments, a raw tracepoint's).
func runProgram<Context>(_ fd: Int32, _ context: inout Context) throws(LiveError) -> Int32 {
    var options = bpf_test_run_opts()
    options.sz = MemoryLayout<bpf_test_run_opts>.size
    let result = withUnsafeMutableBytes(of: &context) { buffer in
        options.ctx_in = UnsafeRawPointer(buffer.baseAddress)
        options.ctx_size_in = UInt32(buffer.count)
        return bpf_prog_test_run_opts(fd, &options)
    }
    guard result == 0 else {
        let code = -result
        if code == EPERM { throw .refusal("run a BPF program", needs: [.bpf]) }
        throw .system(call: "BPF_PROG_TEST_RUN", errno: code)
    }
    return Int32(bitPattern: options.retval)
}
