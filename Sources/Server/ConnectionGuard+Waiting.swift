import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A request that finds the server full waits on its connection, which stops reading: its body stays in the
/// client's socket, and a waiting connection costs a timer. It goes on when woken (a place freed), or is refused
/// when its time limit runs out.
extension ConnectionGuard {
    /// The wake-up for the next wait: it hops to this connection's event loop, and does nothing if that wait is
    /// over by then.
    func wakeUp(context: ChannelHandlerContext) -> @Sendable () -> Void {
        let number = waits + 1
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        return {
            loopBound.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.endWait(number, context: context, expired: false)
            }
        }
    }

    func wait(ticket: Admission.Ticket, head: HTTPRequest, limit: TimeAmount, context: ChannelHandlerContext) {
        waits += 1
        let number = waits
        waiting = Waiting(number: number, ticket: ticket, head: head)
        schedule(limit, context: context) { [self] in endWait(number, context: context, expired: true) }
    }

    /// Woken, or out of time: the head goes on, with the parts read after it, or is refused (and the rest of its
    /// body is dropped as it arrives); then the connection reads again.
    func endWait(_ number: Int, context: ChannelHandlerContext, expired: Bool) {
        guard let ended = waiting, ended.number == number, !closing else { return }
        let refusal = expired ? admission.waitExpired(ended.ticket) : nil
        waiting = nil
        cancelTimer()
        if let refusal {
            refuse(ended.head, with: refusal, context: context)
        } else {
            startReading(ended.head, context: context)
            context.fireChannelRead(wrapInboundOut(.head(ended.head)))
        }
        for part in ended.parts { channelRead(context: context, data: wrapInboundOut(part)) }
        context.fireChannelReadComplete()
        if readPending {
            readPending = false
            context.read()
        }
    }

    /// The connection closes, or the server drains, while a request waits.
    func abandonWait() {
        guard let abandoned = waiting else { return }
        waiting = nil
        admission.abandon(abandoned.ticket)
    }
}
