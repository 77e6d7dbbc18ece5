import HTTPTypes
import Inference
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Bounds what one HTTP/1.1 connection can hold, in time and state, and closes it cleanly when it must.
///
/// It sits between the HTTP codec and Hummingbird, one per connection, and sees request and response parts:
/// - a request's head must arrive within `headerTimeout` of the connection opening (slowloris), and the next one
///   within `keepAliveTimeout` of the previous response: an idle connection is closed, silently;
/// - an invocation the server has no room for waits here, from its head (`HeadAdmission`), its body unread: the
///   connection stops reading until a place frees (then the head goes on) or the wait runs out (then a 503, and
///   the body is dropped unparsed: no task, no route, no copy);
/// - a request's body must arrive whole within `bodyTimeout` of its head (408, then close), whether Hummingbird
///   reads it or discards it after an early response;
/// - a head over the decoder's limits gets 431 (Hummingbird would answer 400);
/// - a response that says `Connection: close` (413, say) closes the connection once written, so that the rest of
///   an unwanted body is never read; the rest of a body answered early otherwise is dropped here, unparsed by
///   Hummingbird;
/// - draining (SIGTERM): responses in progress gain `Connection: close`; a request that arrives on an idle
///   kept-alive connection within `drainLinger` gets a clean 503 rather than a reset; then the connection closes.
///
/// Hummingbird's own idle handling offers one read-idle timer, which a client trickling a byte a second resets for
/// ever, and closes idle connections at once on shutdown; so this handler keeps the quiesce event to itself.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The time limits.
    struct Timeouts: Sendable {
        var header: TimeAmount
        var body: TimeAmount
        var keepAlive: TimeAmount
        var drainLinger: TimeAmount
    }

    private let timeouts: Timeouts
    let admission: any HeadAdmission
    /// The largest body a refused request may declare and still have the connection kept alive (it is read and
    /// dropped); an unknown or larger one closes the connection.
    private let maximumBodyBytes: Int
    /// The request being read was refused here: Hummingbird never sees it, so its parts go no further.
    private var refusedHere = false
    /// Heads read, and responses ended, on this connection (more heads than responses when pipelined).
    private var requestsRead = 0
    private var responsesEnded = 0
    /// Requests whose head was read and whose response has not ended.
    private var openRequests: Int { requestsRead - responsesEnded }
    /// A request's head was read, its end not yet.
    private var readingBody = false
    /// A response's head was written, its end not yet.
    private var writingResponse = false
    /// The request being read was answered already (an early 503, say): the rest of its body is dropped here
    /// rather than handed to Hummingbird, which would discard it part by part, a task switch each, at the cost of
    /// the requests it can serve.
    private var discardingBody = false
    /// The number of the response after which the connection closes (its request or its response said so, or the
    /// server is draining).
    private var closeAfterResponse: Int?
    private var draining = false
    /// This handler answered or gave up: the connection is closing, and nothing more goes through.
    private(set) var closing = false
    private var timer: Scheduled<Void>?
    /// While the client does not read what is written to it.
    private var writeTimer: Scheduled<Void>?
    /// A request waiting for room, and the parts read after its head, held until it goes on or is refused.
    var waiting: Waiting?
    /// Numbers the waits, so that a wake-up meant for an earlier one is known as such.
    var waits = 0
    /// A read that Hummingbird asked for while a request waited: the connection reads nothing meanwhile.
    var readPending = false

    struct Waiting {
        let number: Int
        let ticket: Admission.Ticket
        let head: HTTPRequest
        var parts: [HTTPRequestPart] = []
    }

    init(timeouts: Timeouts, maximumBodyBytes: Int, admission: any HeadAdmission) {
        self.timeouts = timeouts
        self.maximumBodyBytes = maximumBodyBytes
        self.admission = admission
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { schedule(timeouts.header, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        schedule(timeouts.header, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        abandonWait()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        abandonWait()
    }

    func read(context: ChannelHandlerContext) {
        if waiting == nil {
            context.read()
        } else {
            readPending = true
        }
    }

    /// A client that stops reading its responses fills the socket's buffer and holds the connection (and what
    /// waits to be written) for ever: the body timeout bounds that too.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeTimer?.cancel()
            writeTimer = nil
        } else if writeTimer == nil {
            writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeouts.body) { [self] in
                closing = true
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let part = unwrapInboundIn(data)
        if waiting != nil {
            waiting?.parts.append(part)  // what the last read brought after the head: one buffer at most
            return
        }
        switch part {
        case .head(let head):
            if draining, openRequests == 0 {
                respondAndClose(context: context, .shuttingDown, request: head)
                return
            }
            // Only between requests: an answer now must not overtake one Hummingbird is still writing.
            if openRequests == 0 {
                switch admission.decide(head, wake: wakeUp(context: context)) {
                case .goOn: break
                case .refuse(let refusal):
                    refuse(head, with: refusal, context: context)
                    return
                case .wait(let ticket, let limit):
                    wait(ticket: ticket, head: head, limit: limit, context: context)
                    return
                }
            }
            startReading(head, context: context)
        case .body:
            if discardingBody || refusedHere { return }
        case .end:
            readingBody = false
            if refusedHere {
                refusedHere = false
                updateTimer(context: context)
                return
            }
            discardingBody = false
            updateTimer(context: context)
        }
        context.fireChannelRead(data)
    }

    /// Hummingbird gets the head: the body's deadline starts.
    func startReading(_ head: HTTPRequest, context: ChannelHandlerContext) {
        requestsRead += 1
        readingBody = true
        if head.headerFields[.connection]?.lowercased() == "close", closeAfterResponse == nil {
            closeAfterResponse = requestsRead
        }
        schedule(timeouts.body, context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let responseNumber = responsesEnded + 1
        switch unwrapOutboundIn(data) {
        case .head(var response):
            writingResponse = true
            if draining || response.headerFields[.connection]?.lowercased() == "close" {
                closeAfterResponse = min(closeAfterResponse ?? responseNumber, responseNumber)
            }
            if closeAfterResponse == responseNumber { response.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            writingResponse = false
            responsesEnded += 1
            guard closeAfterResponse == responsesEnded else {
                if readingBody, openRequests == 0 { discardingBody = true }
                context.write(data, promise: promise)
                updateTimer(context: context)
                return
            }
            context.write(data, promise: promise)
            finish(context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard !closing else { return }
        draining = true
        if let head = waiting?.head {
            abandonWait()
            respondAndClose(context: context, .shuttingDown, request: head)
            return
        }
        if openRequests > 0 {
            closeAfterResponse = min(closeAfterResponse ?? responsesEnded + 1, responsesEnded + 1)
        } else if !readingBody {
            updateTimer(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !closing, !readingBody, openRequests == 0, let parserError = error as? HTTPParserError,
            parserError == .headerOverflow
        {
            respondAndClose(
                context: context,
                InferenceError(
                    status: 431, code: "headers_too_large", message: "the request line and headers are over the limit"))
            return
        }
        context.fireErrorCaught(error)
    }

    /// A body being read keeps its deadline; a request being answered has none; an idle connection waits for the
    /// next head (or, draining, for the linger).
    private func updateTimer(context: ChannelHandlerContext) {
        if readingBody { return }
        if openRequests > 0 {
            cancelTimer()
        } else {
            schedule(
                draining ? timeouts.drainLinger : responsesEnded > 0 ? timeouts.keepAlive : timeouts.header,
                context: context)
        }
    }

    private func timedOut(context: ChannelHandlerContext) {
        timer = nil
        guard !closing else { return }
        if readingBody, openRequests == 1, !writingResponse, !refusedHere, !discardingBody {
            respondAndClose(
                context: context, .requestTimeout("the request body did not arrive within the body timeout"))
        } else if !readingBody, openRequests == 0, responsesEnded == 0, !draining {
            respondAndClose(context: context, .requestTimeout("no complete request head within the header timeout"))
        } else {
            // Idle after a response, draining, an earlier request still unanswered, or a response already under
            // way: nothing can be said on this connection without confusing the client.
            closing = true
            cancelTimers()
            context.close(promise: nil)
        }
    }

    /// Answers a request Hummingbird will never see, at the cost of a few writes on the event loop: under overload
    /// thousands of these a second must not take the cores the admitted requests need. The connection stays open
    /// when the rest of the body is known to be small enough to read and drop.
    func refuse(_ request: HTTPRequest, with error: InferenceError, context: ChannelHandlerContext) {
        let fields = request.headerFields
        let declared = fields[.transferEncoding] == nil ? Int(fields[.contentLength] ?? "0") : nil
        // A client that sent `Expect: 100-continue` waits for a go-ahead that will not come: its body never follows.
        guard let declared, declared <= maximumBodyBytes, fields[.connection]?.lowercased() != "close",
            fields[.expect] == nil
        else {
            respondAndClose(context: context, error, request: request)
            return
        }
        _ = write(error, headers: Self.headers(for: error, request: request), close: false, context: context)
        requestsRead += 1
        responsesEnded += 1
        readingBody = true
        refusedHere = true
        schedule(timeouts.body, context: context)
    }

    /// Answers on Hummingbird's behalf (it never saw this request, or waits for a body that will not come), then
    /// closes.
    private func respondAndClose(context: ChannelHandlerContext, _ error: InferenceError, request: HTTPRequest? = nil) {
        _ = write(error, headers: Self.headers(for: error, request: request), close: true, context: context)
        finish(context: context)
    }

    /// Closes once what was written is sent: first the output only, so that a client still sending its body reads
    /// the answer rather than a reset (closing with unread data makes the kernel send RST), then all of it when
    /// the client closes its side or after the linger.
    private func finish(context: ChannelHandlerContext) {
        closing = true
        cancelTimer()
        context.flush()
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        context.close(mode: .output, promise: halfClosed)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeLinger) { context.close(promise: nil) }
    }

    /// How long a half-closed connection waits for the client to close its side.
    static let closeLinger = TimeAmount.seconds(2)

    /// An error's response fields, with the request id when the error answers a request.
    private static func headers(for error: InferenceError, request: HTTPRequest?) -> HTTPFields {
        var headers = error.responseHeaders
        if let fields = request?.headerFields {
            headers[.requestID] = RequestID.sanitized(fields[.requestID] ?? fields[.amazonRequestID])
        }
        return headers
    }

    private func write(_ error: InferenceError, headers: HTTPFields, close: Bool, context: ChannelHandlerContext)
        -> EventLoopFuture<Void>
    {
        let body = error.jsonBody
        var head = HTTPResponse(status: .init(code: error.status), headerFields: headers)
        head.headerFields[.contentLength] = String(body.count)
        if close { head.headerFields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        return context.writeAndFlush(wrapOutboundOut(.end(nil)))
    }

    private func schedule(_ delay: TimeAmount, context: ChannelHandlerContext) {
        schedule(delay, context: context) { [self] in timedOut(context: context) }
    }

    func schedule(_ delay: TimeAmount, context: ChannelHandlerContext, _ action: @escaping () -> Void) {
        cancelTimer()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay, action)
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func cancelTimers() {
        cancelTimer()
        writeTimer?.cancel()
        writeTimer = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
