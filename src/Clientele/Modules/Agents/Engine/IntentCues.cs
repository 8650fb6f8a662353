namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The intent classifier's evidence: weighted words and phrases per intent (3 = strong, 2 = normal,
/// 1 = weak), English first with the Portuguese and Spanish that WhatsApp buyers write.
/// </summary>
internal static class IntentCues
{
    public const string Pricing = "pricing", Demo = "demo", Support = "support", Billing = "billing", Technical = "technical",
        Cancellation = "cancellation", Complaint = "complaint", Greeting = "greeting", Other = "other";

    public static readonly string[] All = [Pricing, Demo, Support, Billing, Technical, Cancellation, Complaint, Greeting, Other];

    public static IEnumerable<(string, double, string)> Cues()
    {
        foreach (var (w, p) in PricingCues) yield return (Pricing, w, p);
        foreach (var (w, p) in DemoCues) yield return (Demo, w, p);
        foreach (var (w, p) in SupportCues) yield return (Support, w, p);
        foreach (var (w, p) in BillingCues) yield return (Billing, w, p);
        foreach (var (w, p) in TechnicalCues) yield return (Technical, w, p);
        foreach (var (w, p) in CancellationCues) yield return (Cancellation, w, p);
        foreach (var (w, p) in ComplaintCues) yield return (Complaint, w, p);
        foreach (var (w, p) in GreetingCues) yield return (Greeting, w, p);
        foreach (var (w, p) in OtherCues) yield return (Other, w, p);
    }

    private static readonly (double, string)[] PricingCues =
    [
        (3, "how much"), (3, "price"), (3, "prices"), (3, "pricing"), (2, "priced"), (1.5, "pricey"), (3, "cost"), (3, "costs"),
        (3, "quote"), (3, "quotes"), (3, "quotation"), (2.5, "discount*"), (2, "per user"), (2, "per seat"), (2, "per agent"),
        (2, "per month"), (3, "charge per"), (1, "plan"), (1.5, "plans"), (1.5, "tier"), (1.5, "tiers"), (2.5, "cheap*"),
        (1.5, "expensive"), (1, "afford"), (2, "fee"), (2, "fees"), (2, "free plan"), (1.5, "annual plan"), (1.5, "pay for"),
        (1.5, "pay more"), (1.5, "included in"), (1, "include"), (1.5, "competitor"), (1, "packages"), (1, "enterprise"),
        (1, "premium"), (1, "basic"), (2, "rates"), (1, "volume"), (1, "seats"), (1, "licenses"), (1.5, "budget"),
        (3, "quanto custa"), (3, "quanto e"), (3, "preco"), (3, "precos"), (1.5, "valor"), (1.5, "valores"), (2.5, "desconto"), (1, "plano"), (1, "planos"),
        (3, "precio"), (3, "precios"), (3, "cuanto cuesta"), (2, "cuesta"), (2.5, "descuento"), (2, "tarifa"), (2, "tarifas"),
        (3, "cotizacion"), (3, "cotacao"), (3, "quanto fica"), (3, "quanto sai"), (3, "cuanto sale"), (3, "cuanto es"),
        (2, "orcamento"), (2, "presupuesto"), (2, "mensalidade"), (2, "tabela de precos"), (2, "proposal"), (1.5, "proposta"), (1.5, "propuesta"),
    ];

    private static readonly (double, string)[] DemoCues =
    [
        (3.5, "demo"), (3.5, "demos"), (3, "demonstration"), (3, "demonstracao"), (3, "demostracion"), (3, "walkthrough"),
        (3, "walk me through"), (3, "walk us through"), (3, "product tour"), (2, "tour"), (2.5, "trial"), (1, "sandbox"),
        (3, "in action"), (2, "show me"), (2, "show us"), (1.5, "see how"), (2.5, "book a call"), (2.5, "schedule a call"),
        (2, "call with"), (1, "call"), (2, "meeting"), (2, "meet"), (2, "reuniao"), (2, "reunion"), (1.5, "book"), (1.5, "schedule"),
        (2, "agendar"), (1.5, "marcar"), (1.5, "mostrar"), (1.5, "test it"), (2, "try it"), (1.5, "play with"),
        (2, "when are you free"), (1.5, "slots"), (1, "available"), (2, "evaluat*"), (1.5, "comparing"), (1.5, "interested"),
        (0.5, "webinar"), (1.5, "see it"), (2, "presentation"), (2, "apresentacao"), (2, "before we buy"), (1, "pilot"),
        (2.5, "see the product"), (2, "see the platform"), (1.5, "try"), (1, "rolling out"), (2, "ver o sistema"), (2, "ver la plataforma"),
        (2, "ver funcionando"), (2, "prueba gratis"), (2, "teste gratis"), (2, "periodo de prueba"), (1.5, "llamada"), (1.5, "ligacao"),
        (2, "videollamada"), (1, "funcionando"),
    ];

    private static readonly (double, string)[] SupportCues =
    [
        (2, "how do i"), (2, "how can i"), (2, "how to"), (2, "where do i"), (1.5, "where can i"), (1, "where is"),
        (1.5, "is there a way"), (1.5, "help"), (1.5, "ajuda"), (1.5, "ayuda"), (3, "password"), (2, "reset"), (2.5, "log in"),
        (2.5, "login"), (2.5, "sign in"), (3, "locked out"), (2.5, "2fa"), (2.5, "two factor"), (1, "account"), (2, "settings"),
        (2, "setting"), (1.5, "configure"), (2, "configurar"), (1, "set up"), (1, "setup"), (2, "invite"), (2, "assign"),
        (2, "notification*"), (1.5, "export"), (2, "restore"), (2, "archive"), (1.5, "tag"), (1.5, "tags"), (1, "access"),
        (2, "permission*"), (2, "read only"), (1.5, "owner"), (1.5, "language"), (1.5, "explain"), (1, "mean"),
        (2, "business hours"), (1.5, "horario"), (1.5, "dashboard"), (1.5, "profile"), (1, "change"), (2, "como faco"),
        (1, "como"), (1.5, "agrego"), (1.5, "agregar"), (1, "mudar"), (1, "conta"), (1, "cuenta"), (1, "tickets"),
        (1.5, "devices"), (1.5, "workspace"), (1.5, "auto repl*"), (2, "forgot"), (1.5, "deleted"), (1.5, "by mistake"),
        (1.5, "add a"), (1, "user"), (1, "colleague"), (1, "step by step"), (1.5, "tutorial"), (1.5, "guide"), (1.5, "resend"),
        (2, "can't see"), (1.5, "can't find"), (1, "teammates"), (1, "conversations"), (1, "inbox"), (2, "out of office"),
        (2, "como hago"), (2, "como puedo"), (2, "como posso"), (1.5, "como eu"), (3, "senha"), (3, "contrasena"),
        (3, "no puedo entrar"), (3, "nao consigo entrar"), (3, "nao consigo acessar"), (3, "no puedo acceder"), (1.5, "nao consigo"),
        (1.5, "no puedo"), (1.5, "adicionar"), (1.5, "adiciono"), (1, "cambiar"), (1, "alterar"), (1.5, "configuracion"), (1.5, "configuracao"),
    ];

    private static readonly (double, string)[] BillingCues =
    [
        (3, "invoice*"), (3, "fatura*"), (3, "factura*"), (2.5, "bill"), (3, "billed"), (3, "billing"), (2.5, "charg*"),
        (3, "charged twice"), (3, "double charged"), (3, "refund*"), (3, "reembols*"), (3, "receipt*"), (3, "recibo"),
        (2.5, "payment*"), (1, "pay"), (2.5, "credit card"), (1.5, "card"), (1.5, "cards"), (2, "cartao"), (2, "tarjeta"), (2.5, "paypal"),
        (2.5, "bank transfer"), (2, "po number"), (1.5, "vat"), (2, "tax id"), (2.5, "prorat*"), (1.5, "upgrade"),
        (1, "downgrade"), (2, "overage"), (2.5, "declined"), (1, "expires"), (3, "payment method"), (3, "metodo de pago"),
        (1, "monthly"), (1, "annual"), (1.5, "accounting"), (1, "finance"),
        (1, "audit"), (2, "checkout"), (1, "renewed"), (1, "subscription renewed"), (1.5, "pago"), (1.5, "pagamento"),
        (2, "billing contact"), (1, "eur"), (1, "usd"), (1, "contract"), (3.5, "send an invoice"), (3, "cobr*"), (3, "boleto"),
        (2.5, "segunda via"), (2.5, "nota fiscal"), (2, "dos veces"), (2, "duas vezes"), (2, "suspended"), (2, "non payment"),
        (1.5, "paid"), (2, "reembolso"), (2.5, "tax invoice"),
    ];

    private static readonly (double, string)[] TechnicalCues =
    [
        (3, "api"), (3, "endpoint*"), (3, "webhook*"), (2.5, "integration*"), (3, "sdk"), (3, "rate limit"), (2.5, "error"),
        (2.5, "errors"), (2, "unauthorized"), (2, "401"), (2, "403"), (2, "404"), (1.5, "500"), (2.5, "timeout"), (2.5, "timed out"),
        (3, "crash*"), (3, "bug"), (3, "bugs"), (2, "doesn't load"), (2, "won't load"), (1, "load"), (2, "loading"),
        (2, "slow"), (2, "latency"), (3, "sso"), (3, "saml"), (2, "okta"), (2, "zapier"), (1.5, "salesforce"), (2, "sync*"),
        (3, "outage"), (3, "is down"), (3, "are down"), (2, "down"), (2, "broken"), (2, "not working"),
        (2, "isn't working"), (1.5, "doesn't work"), (1.5, "don't work"), (2.5, "failing"), (1.5, "failed"), (1, "fail"), (1.5, "messages"), (2, "can't send"), (1, "blocked"), (1.5, "export job"),
        (2.5, "not loading"), (2.5, "not showing"), (2.5, "not sending"), (2.5, "not receiving"), (2.5, "not arriving"),
        (2.5, "not syncing"), (2.5, "not connecting"), (2.5, "disconnect*"), (1, "whatsapp"), (1.5, "returns"), (1, "page"),
        (2.5, "api key"), (2, "openai"), (2, "llm"), (2, "gpt"), (3, "fora do ar"), (2, "caiu"), (1, "sistema"), (1.5, "mensajes"),
        (1.5, "mensagens"), (2.5, "no llegan"), (2.5, "nao chegam"), (2.5, "nao chega"), (2, "travando"), (2, "erro"),
        (2.5, "integracao"), (2.5, "integracion"), (1.5, "requests"), (2, "429"), (2, "502"), (2, "503"),
        (2.5, "encrypt*"), (2, "security"), (2.5, "gdpr"), (2, "compliant"), (2, "compliance"), (1.5, "ip"), (2.5, "whitelist*"),
        (3, "cors"), (1.5, "browser"), (2, "backend"), (1.5, "safari"), (1.5, "chrome"), (2, "android"), (2, "ios"),
        (2, "mobile app"), (1, "app"), (3, "pagination"), (2, "cursor*"), (2, "signature"), (2.5, "custom domain*"),
        (1.5, "domain"), (2, "dns"), (1.5, "cloudflare"), (2.5, "payload*"), (2, "duplicat*"), (1.5, "release"),
        (1.5, "developer*"), (1.5, "docs"), (2, "documentation"), (2, "python"), (2, "node"), (2, "javascript"), (2, "java"),
        (3, "breach"), (3, "hacked"), (1, "logged into"), (2, "logs me out"), (1.5, "widget"), (1.5, "retornando"),
        (2, "no funciona"), (2, "nao funciona"), (1, "update"), (2, "stopped"), (1.5, "server"), (1.5, "database"),
        (2, "json"), (2, "http"), (1.5, "token"), (1.5, "key"), (1.5, "delivered"), (1.5, "sending"), (1.5, "receiving"),
    ];

    private static readonly (double, string)[] CancellationCues =
    [
        (3.5, "cancel*"), (3.5, "cancelar"), (3.5, "dar de baja"), (4.5, "clos* ~ account"), (4.5, "clos* ~ workspace"),
        (4, "delete my account"), (4, "delete our account"), (3, "terminate"), (2.5, "unsubscribe"), (4, "stop my subscription"),
        (4, "stop our subscription"), (2, "pause my subscription"), (2, "pause"), (1.5, "downgrade"), (2.5, "switching to"),
        (2, "moving to"), (2, "switch to another"), (3, "won't renew"), (3, "won't be renewing"), (3, "not renew*"),
        (3, "not to renew"), (3, "don't renew"), (2.5, "don't auto renew"), (1.5, "leave"), (3, "no longer need"),
        (2, "not using it"), (1, "anymore"), (3, "end my contract"), (3, "end our contract"), (3, "not to continue"),
        (2.5, "don't want to continue"), (1.5, "shutting down"), (1.5, "we're done"), (2, "churn"), (1.5, "assinatura"),
        (1.5, "suscripcion"), (1, "subscription"), (1.5, "encerrar"), (2, "desistir"), (1.5, "baja"), (3.5, "cancela"),
        (3.5, "cancele"), (3.5, "cancelamento"), (3.5, "cancelacion"), (3, "nao renovar"), (3, "no renovar"), (2.5, "auto renew*"),
        (3, "stop ~ renewal"), (2, "different tool"), (2, "different provider"), (2, "go with a different"), (2, "want out"),
        (2, "not renewing"),
    ];

    private static readonly (double, string)[] ComplaintCues =
    [
        (3, "complaint"), (3, "complain*"), (3, "unacceptable"), (3, "worst"), (2.5, "terrible"), (2.5, "awful"),
        (2.5, "horrible"), (3, "rude"), (2.5, "disappointed"), (2.5, "disappointing"), (3, "ridiculous"), (3, "absurd"),
        (3, "garbage"), (2.5, "hate"), (2.5, "manager"), (2.5, "supervisor"), (3, "nobody answers"), (1, "nobody"), (3, "nobody replied"), (3, "nobody responds"), (3, "nobody called"), (3, "nobody got back"),
        (3, "nobody followed up"), (3, "no reply"), (3, "no response"),
        (2, "no one"), (2, "never got"), (2.5, "never showed"), (1.5, "waiting"), (2.5, "been waiting"), (2.5, "still waiting"),
        (2.5, "on hold"), (2.5, "ignored"), (3, "unprofessional"), (2.5, "embarrassing"), (2, "mess"), (2, "treated"),
        (1.5, "badly"), (3, "insatisfeito"), (3, "insatisfecho"), (3, "pessimo"), (3, "verguenza"), (2, "nadie"), (1.5, "esperando"),
        (3, "not happy"), (2.5, "unhappy"), (2, "frustrat*"), (2.5, "third time"), (1.5, "same issue"), (2.5, "expected better"),
        (3, "expected much better"), (2, "expected more"), (3, "downhill"), (2, "worse"), (2.5, "keep breaking"), (1.5, "so hard to"),
        (3, "furious"), (3, "angry"), (2, "promised"), (2, "scam"), (2, "useless"), (1.5, "human"), (2, "treat*"),
        (2, "reclamacao"), (2, "reclamo"), (2, "queja"), (1.5, "atendimento"), (1.5, "servicio"), (3, "lied"), (3, "lying"),
        (2, "lie"), (3, "absurdo"), (3, "horrivel"), (3, "vergonha"), (2, "ninguem"), (3, "ninguem responde"), (3, "nadie responde"),
        (2.5, "decepcionado"), (2.5, "decepcionada"), (3, "falta de respeito"), (3, "is a joke"), (2, "a joke"), (1.5, "fix your"),
    ];

    private static readonly (double, string)[] GreetingCues =
    [
        (1, "hi"), (1, "hello"), (1, "hey"), (1, "hiya"), (1, "yo"), (1.5, "good morning"), (1.5, "good afternoon"),
        (1.5, "good evening"), (1.5, "ola"), (1.5, "hola"), (1.5, "bom dia"), (1.5, "boa tarde"), (1.5, "boa noite"),
        (1.5, "buenos dias"), (1.5, "buenas tardes"), (1.5, "buenas noches"), (1, "buenas"), (1.5, "thanks"), (1.5, "thank"),
        (1.5, "obrigado"), (1.5, "obrigada"), (1.5, "gracias"), (1.5, "cheers"), (1.5, "bye"), (1.5, "goodbye"),
        (1.5, "have a nice"), (1.5, "have a great"), (1, "tudo bem"), (1, "that's all"), (1, "anyone there"), (0.5, "perfect"),
        (1, "solved it"), (1, "appreciate"), (1, "hey team"), (1, "hi there"), (1, "hello there"), (1, "right number"), (1, "oi"),
        (1, "resolveu"), (1, "have a good one"), (1, "hope you're doing well"), (1, "see you"),
    ];

    private static readonly (double, string)[] OtherCues =
    [
        (2, "bot"), (2, "robot"), (3, "hiring"), (3, "job opening*"), (2, "jobs"), (3, "cv"), (3, "career*"), (3, "internship"),
        (3, "partnership"), (2, "partner*"), (3, "parceria*"), (3, "guest post"), (2, "blog"), (3, "sponsor*"), (2, "conference"),
        (3, "journalist"), (2, "interview"), (2, "research"), (2, "student"), (3, "wrong number"), (3, "weather"),
        (3, "where is your office"), (2, "office located"), (1.5, "office"), (3, "who is this"), (3, "who are you"),
        (2.5, "referral"), (1.5, "recommend"), (3, "marketing emails"), (2, "stop sending"), (2, "newsletter"), (2, "hardware"),
        (2.5, "suggestion"), (2.5, "feature request"), (1.5, "would be nice"), (1.5, "ignore"), (2, "same company"),
        (2, "funding"), (2, "congrats"), (2, "congratulations"), (2, "lol"), (2.5, "not interested"), (3, "what time is it"),
        (2, "parcerias"), (2, "venden"), (2, "vendem"), (1.5, "responsavel"), (3, "resell*"), (2.5, "revend*"), (2.5, "white label"),
        (2.5, "affiliate"), (1.5, "agency"), (2, "founded"), (2, "founder"), (2, "testing 123"), (1.5, "logo"),
        (2, "merch"), (2, "university"), (2, "school"), (2, "thesis"), (3, "unsubscribe from"),
    ];
}
