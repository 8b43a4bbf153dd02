// The peer for ./bench/run --peer: @supabase/stripe-sync-engine served as its README shows, behind the smallest
// HTTP front that answers Stripe: 200 once the event is processed, 400 for a bad signature, 500 for anything else.
// Configured by the benchmark through PEER_DATABASE_URL, PEER_WEBHOOK_SECRET and PEER_PORT.
//
// CommonJS, not an ES module: the package's ES build looks for its migrations through __dirname, which ES modules
// do not have, and its runMigrations then fails without saying so; its CommonJS build finds them.
const http = require('node:http')
const { StripeSync, runMigrations } = require('@supabase/stripe-sync-engine')

const databaseUrl = process.env.PEER_DATABASE_URL
const schema = 'stripe'

async function main() {
  await runMigrations({ databaseUrl, schema })
  const sync = new StripeSync({
    poolConfig: { connectionString: databaseUrl, max: 10 }, // the README's example pool
    schema,
    stripeSecretKey: 'sk_test_bench', // never used: nothing below calls Stripe's API
    stripeWebhookSecret: process.env.PEER_WEBHOOK_SECRET,
    // No network here: trust the webhook's payload, and fetch no related objects.
    backfillRelatedEntities: false,
    revalidateObjectsViaStripeApi: [],
  })
  // runMigrations logs its errors and returns: fail here, not on the first webhook, if the table is missing.
  await sync.postgresClient.query(`select 1 from "${schema}"."payment_intents" limit 1`)

  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health') {
      return answer(response, 200, { status: 'UP' })
    }
    if (request.method !== 'POST' || request.url !== '/webhook') {
      return answer(response, 404, { error: 'not found' })
    }
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', async () => {
      try {
        // The raw body: the signature was computed over its bytes.
        await sync.processWebhook(Buffer.concat(chunks), request.headers['stripe-signature'])
        answer(response, 200, { received: true })
      } catch (error) {
        const badSignature = error?.type === 'StripeSignatureVerificationError'
        answer(response, badSignature ? 400 : 500, { error: error.message })
      }
    })
  })
  server.listen(Number(process.env.PEER_PORT), '127.0.0.1', () => console.log('peer listening'))
}

function answer(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
