/// The four functions of a SageMaker `inference.py`, typed. A server calls `modelFn` once at start-up, then for
/// each request `transform`, which composes the other three. Implement all four, or start from `SSDHandler` and
/// wrap it (docs/HTTP-API.md, samples/PeopleCounter).
///
/// Every function reports failure as an `InferenceError`, which carries its HTTP status.
public protocol InferenceHandler: Sendable {
    /// What `modelFn` loads: shared by all requests, so it must be safe to use from several at once.
    associatedtype Model: Sendable
    /// A decoded request.
    associatedtype Input: Sendable
    /// A request's result, before encoding.
    associatedtype Prediction: Sendable

    /// Loads, plans and warms up the model in `modelDirectory`. Called once, before the server is ready.
    func modelFn(modelDirectory: String) async throws(InferenceError) -> Model

    /// Decodes a request body of `contentType` (the Content-Type header, parameters included, or nil).
    func inputFn(body: [UInt8], contentType: String?) async throws(InferenceError) -> Input

    /// Runs the model on an input.
    func predictFn(input: Input, model: Model) async throws(InferenceError) -> Prediction

    /// Encodes a prediction for `accept` (the Accept header, or nil): the body and its content type.
    func outputFn(prediction: Prediction, accept: String?) async throws(InferenceError)
        -> (body: [UInt8], contentType: String)

    /// Throws 406 when outputFn could not answer `accept`; called by `transform` before the other functions.
    /// Optional: the default accepts everything.
    func checkAccept(_ accept: String?) throws(InferenceError)
}

extension InferenceHandler {
    /// Nothing by default. A handler that knows before any work whether it can answer `accept` throws 406 here,
    /// so that a request it cannot answer costs no inference.
    public func checkAccept(_ accept: String?) throws(InferenceError) {}

    /// One request: inputFn, predictFn, outputFn. The body is the caller's no more: it is freed once inputFn has
    /// parsed it, not held through the inference.
    public func transform(body: consuming [UInt8], contentType: String?, accept: String?, model: Model)
        async
        throws(InferenceError) -> (body: [UInt8], contentType: String)
    {
        try checkAccept(accept)
        let input = try await inputFn(body: body, contentType: contentType)
        let prediction = try await predictFn(input: input, model: model)
        return try await outputFn(prediction: prediction, accept: accept)
    }
}
