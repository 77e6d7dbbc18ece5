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
    /// Requests whose head was read and whose response has not ended (more than one when pipelined).
    private var openRequests = 0
    /// A request's head was read, its end not yet.
    private var readingBody = false
    /// A response's head was written, its end not yet.
    private var writingResponse = false
    /// The request being read was answered already (an early 503, say): the rest of its body is dropped here
    /// rather than handed to Hummingbird, which would discard it part by part, a task switch each, at the cost of
    /// the requests it can serve.
    private var discardingBody = false
    /// The response being written closes the connection.
    private var closeAfterResponse = false
    /// A response was written on this connection: the next head is awaited under the keep-alive timeout.
    private var servedAny = false
    private var draining = false
    /// This handler answered or gave up: the connection is closing, and nothing more goes through.
    private var closing = false
    private var timer: Scheduled<Void>?

    init(timeouts: Timeouts) { self.timeouts = timeouts }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { schedule(timeouts.header, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        schedule(timeouts.header, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelTimer() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if draining, openRequests == 0 {
                respondAndClose(context: context, .shuttingDown)
                return
            }
            openRequests += 1
            readingBody = true
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            schedule(timeouts.body, context: context)
        case .body:
            if discardingBody { return }
        case .end:
            readingBody = false
            discardingBody = false
            updateTimer(context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var response):
            writingResponse = true
            if draining || response.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            if closeAfterResponse { response.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            writingResponse = false
            openRequests -= 1
            servedAny = true
            if readingBody, openRequests == 0 { discardingBody = true }
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                updateTimer(context: context)
                return
            }
            closing = true
            cancelTimer()
            context.writeAndFlush(data).assumeIsolated().whenComplete { result in
                promise?.completeWith(result)
                context.close(promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        draining = true
        if openRequests > 0 { closeAfterResponse = true } else if !readingBody { updateTimer(context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if openRequests == 0, let parserError = error as? HTTPParserError, parserError == .headerOverflow {
            respondAndClose(context: context,
                InferenceError(status: 431, code: "headers_too_large", message: "the request line and headers are over the limit"))
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
            schedule(draining ? timeouts.drainLinger : servedAny ? timeouts.keepAlive : timeouts.header, context: context)
        }
    }

    private func timedOut(context: ChannelHandlerContext) {
        timer = nil
        guard !closing else { return }
        if readingBody, openRequests > 0, !writingResponse {
            respondAndClose(context: context, .requestTimeout("the request body did not arrive within the body timeout"))
        } else if !readingBody, openRequests == 0, !servedAny, !draining {
            respondAndClose(context: context, .requestTimeout("no complete request head within the header timeout"))
        } else {
            // Idle after a response, draining, or a response already under way: close without a word.
            closing = true
            context.close(promise: nil)
        }
    }

    /// Answers on Hummingbird's behalf (it never saw this request, or waits for a body that will not come), then
    /// closes.
    private func respondAndClose(context: ChannelHandlerContext, _ error: InferenceError) {
        closing = true
        cancelTimer()
        var head = HTTPResponse(status: .init(code: error.status), headerFields: error.responseHeaders)
        head.headerFields[.contentLength] = String(error.jsonBody.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: error.jsonBody))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func schedule(_ delay: TimeAmount, context: ChannelHandlerContext) {
        cancelTimer()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in timedOut(context: context) }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
