-- Match-quality stage 1: reference lists the events/parameters rules compare against.

-- Words a broken tag or serializer hashes instead of a value (meta_rules §3.2).
create or replace temp table stage_mq_placeholders as
select word, sha256(word) as hash
from (values
    (''), ('null'), ('undefined'), ('none'), ('nan'), ('[object object]'), ('true'), ('false'), ('0'),
    ('nil'), ('n/a'), ('na'), ('unknown'), ('-'), ('{{email}}'), ('$email')
) as t(word);

-- Meta's standard events, exact spelling (meta_rules §2.2).
create or replace temp table stage_mq_standard_events as
select event_name, lower(event_name) as folded
from (values
    ('AddPaymentInfo'), ('AddToCart'), ('AddToWishlist'), ('CompleteRegistration'), ('Contact'),
    ('CustomizeProduct'), ('Donate'), ('FindLocation'), ('InitiateCheckout'), ('Lead'), ('PageView'),
    ('Purchase'), ('Schedule'), ('Search'), ('StartTrial'), ('SubmitApplication'), ('Subscribe'),
    ('ViewContent')
) as t(event_name);

-- Google Analytics 4 names and the standard event Meta's GTM template maps them to (meta_rules §2.2).
create or replace temp table stage_mq_ga4_names as
select ga4_name, event_name
from (values
    ('add_payment_info', 'AddPaymentInfo'), ('add_to_cart', 'AddToCart'),
    ('add_to_wishlist', 'AddToWishlist'),
    ('gtm.dom', 'PageView'), ('page_view', 'PageView'), ('purchase', 'Purchase'), ('search', 'Search'),
    ('begin_checkout', 'InitiateCheckout'), ('generate_lead', 'Lead'), ('view_item', 'ViewContent'),
    ('sign_up', 'CompleteRegistration')
) as t(ga4_name, event_name);

-- Valid values of action_source (meta_rules §2).
create or replace temp table stage_mq_action_sources as
select action_source
from (values
    ('email'), ('website'), ('app'), ('phone_call'), ('chat'), ('physical_store'), ('system_generated'),
    ('business_messaging'), ('other')
) as t(action_source);

-- ISO 4217 currency codes.
create or replace temp table stage_mq_currencies as
select code
from (values
    ('AED'), ('AFN'), ('ALL'), ('AMD'), ('AOA'), ('ARS'), ('AUD'), ('AWG'), ('AZN'), ('BAM'), ('BBD'),
    ('BDT'), ('BHD'), ('BIF'), ('BMD'), ('BND'), ('BOB'), ('BOV'), ('BRL'), ('BSD'), ('BTN'), ('BWP'),
    ('BYN'), ('BZD'), ('CAD'), ('CDF'), ('CHE'), ('CHF'), ('CHW'), ('CLF'), ('CLP'), ('CNY'), ('COP'),
    ('COU'), ('CRC'), ('CUP'), ('CVE'), ('CZK'), ('DJF'), ('DKK'), ('DOP'), ('DZD'), ('EGP'), ('ERN'),
    ('ETB'), ('EUR'), ('FJD'), ('FKP'), ('GBP'), ('GEL'), ('GHS'), ('GIP'), ('GMD'), ('GNF'), ('GTQ'),
    ('GYD'), ('HKD'), ('HNL'), ('HTG'), ('HUF'), ('IDR'), ('ILS'), ('INR'), ('IQD'), ('IRR'), ('ISK'),
    ('JMD'), ('JOD'), ('JPY'), ('KES'), ('KGS'), ('KHR'), ('KMF'), ('KPW'), ('KRW'), ('KWD'), ('KYD'),
    ('KZT'), ('LAK'), ('LBP'), ('LKR'), ('LRD'), ('LSL'), ('LYD'), ('MAD'), ('MDL'), ('MGA'), ('MKD'),
    ('MMK'), ('MNT'), ('MOP'), ('MRU'), ('MUR'), ('MVR'), ('MWK'), ('MXN'), ('MXV'), ('MYR'), ('MZN'),
    ('NAD'), ('NGN'), ('NIO'), ('NOK'), ('NPR'), ('NZD'), ('OMR'), ('PAB'), ('PEN'), ('PGK'), ('PHP'),
    ('PKR'), ('PLN'), ('PYG'), ('QAR'), ('RON'), ('RSD'), ('RUB'), ('RWF'), ('SAR'), ('SBD'), ('SCR'),
    ('SDG'), ('SEK'), ('SGD'), ('SHP'), ('SLE'), ('SOS'), ('SRD'), ('SSP'), ('STN'), ('SVC'), ('SYP'),
    ('SZL'), ('THB'), ('TJS'), ('TMT'), ('TND'), ('TOP'), ('TRY'), ('TTD'), ('TWD'), ('TZS'), ('UAH'),
    ('UGX'), ('USD'), ('USN'), ('UYI'), ('UYU'), ('UYW'), ('UZS'), ('VED'), ('VES'), ('VND'), ('VUV'),
    ('WST'), ('XAD'), ('XAF'), ('XAG'), ('XAU'), ('XBA'), ('XBB'), ('XBC'), ('XBD'), ('XCD'), ('XCG'),
    ('XDR'), ('XOF'), ('XPD'), ('XPF'), ('XPT'), ('XSU'), ('XTS'), ('XUA'), ('XXX'), ('YER'), ('ZAR'),
    ('ZMW'), ('ZWG')
) as t(code);

-- SHA-256 of every ISO 3166-1 alpha-2 country code in lower case: the only valid hashed `country` values.
create or replace temp table stage_mq_country_hashes as
select code, sha256(code) as hash
from (values
    ('ad'), ('ae'), ('af'), ('ag'), ('ai'), ('al'), ('am'), ('ao'), ('aq'), ('ar'), ('as'), ('at'),
    ('au'), ('aw'), ('ax'), ('az'), ('ba'), ('bb'), ('bd'), ('be'), ('bf'), ('bg'), ('bh'), ('bi'),
    ('bj'), ('bl'), ('bm'), ('bn'), ('bo'), ('bq'), ('br'), ('bs'), ('bt'), ('bv'), ('bw'), ('by'),
    ('bz'), ('ca'), ('cc'), ('cd'), ('cf'), ('cg'), ('ch'), ('ci'), ('ck'), ('cl'), ('cm'), ('cn'),
    ('co'), ('cr'), ('cu'), ('cv'), ('cw'), ('cx'), ('cy'), ('cz'), ('de'), ('dj'), ('dk'), ('dm'),
    ('do'), ('dz'), ('ec'), ('ee'), ('eg'), ('eh'), ('er'), ('es'), ('et'), ('fi'), ('fj'), ('fk'),
    ('fm'), ('fo'), ('fr'), ('ga'), ('gb'), ('gd'), ('ge'), ('gf'), ('gg'), ('gh'), ('gi'), ('gl'),
    ('gm'), ('gn'), ('gp'), ('gq'), ('gr'), ('gs'), ('gt'), ('gu'), ('gw'), ('gy'), ('hk'), ('hm'),
    ('hn'), ('hr'), ('ht'), ('hu'), ('id'), ('ie'), ('il'), ('im'), ('in'), ('io'), ('iq'), ('ir'),
    ('is'), ('it'), ('je'), ('jm'), ('jo'), ('jp'), ('ke'), ('kg'), ('kh'), ('ki'), ('km'), ('kn'),
    ('kp'), ('kr'), ('kw'), ('ky'), ('kz'), ('la'), ('lb'), ('lc'), ('li'), ('lk'), ('lr'), ('ls'),
    ('lt'), ('lu'), ('lv'), ('ly'), ('ma'), ('mc'), ('md'), ('me'), ('mf'), ('mg'), ('mh'), ('mk'),
    ('ml'), ('mm'), ('mn'), ('mo'), ('mp'), ('mq'), ('mr'), ('ms'), ('mt'), ('mu'), ('mv'), ('mw'),
    ('mx'), ('my'), ('mz'), ('na'), ('nc'), ('ne'), ('nf'), ('ng'), ('ni'), ('nl'), ('no'), ('np'),
    ('nr'), ('nu'), ('nz'), ('om'), ('pa'), ('pe'), ('pf'), ('pg'), ('ph'), ('pk'), ('pl'), ('pm'),
    ('pn'), ('pr'), ('ps'), ('pt'), ('pw'), ('py'), ('qa'), ('re'), ('ro'), ('rs'), ('ru'), ('rw'),
    ('sa'), ('sb'), ('sc'), ('sd'), ('se'), ('sg'), ('sh'), ('si'), ('sj'), ('sk'), ('sl'), ('sm'),
    ('sn'), ('so'), ('sr'), ('ss'), ('st'), ('sv'), ('sx'), ('sy'), ('sz'), ('tc'), ('td'), ('tf'),
    ('tg'), ('th'), ('tj'), ('tk'), ('tl'), ('tm'), ('tn'), ('to'), ('tr'), ('tt'), ('tv'), ('tw'),
    ('tz'), ('ua'), ('ug'), ('um'), ('us'), ('uy'), ('uz'), ('va'), ('vc'), ('ve'), ('vg'), ('vi'),
    ('vn'), ('vu'), ('wf'), ('ws'), ('ye'), ('yt'), ('za'), ('zm'), ('zw')
) as t(code);

-- SHA-256 of Meta's two gender values.
create or replace temp table stage_mq_gender_hashes as
select code, sha256(code) as hash
from (values ('f'), ('m')) as t(code);
