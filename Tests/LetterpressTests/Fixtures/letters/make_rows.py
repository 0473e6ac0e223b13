#!/usr/bin/env python3
"""Merge data for the sample letters (welcome.html, dunning.html, bill.html).

  make_rows.py KIND COUNT [--seed N]   print COUNT data objects for KIND as NDJSON (one per line)
  make_rows.py --samples               rewrite data/dunning.json and data/bill.json (fixed seed)

Each row starts from data/KIND.json and varies the recipient, the numbers and, for the dunning
letter and the bill, the item table (dunning: 30-66 open invoices, 2-3 pages; bill: 3-22
positions, 1-2 pages). Output is deterministic for a given seed. Standard library only.
"""
import datetime, json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ('welcome', 'dunning', 'bill')

PEOPLE = [
    ('Ms', 'Zoë', 'Åkesson-Lefèvre'), ('Mr', 'José', 'Núñez García'), ('Mr', 'François', 'Dupré'),
    ('Ms', 'Małgorzata', 'Wiśniewska'), ('Mr', 'Søren', 'Kjærgård'), ('Ms', 'Anežka', 'Dvořáková'),
    ('Mr', 'İlkay', 'Gündoğan'), ('Mr', 'Đorđe', 'Petrović'), ('Ms', 'Ελένη', 'Παπαδοπούλου'),
    ('Mr', 'Дмитрий', 'Иванов'), ('Ms', 'Siobhán', 'Ó Briain'), ('Mr', 'Björn', 'Þórsson'),
    ('Ms', 'Chloé', 'Müller'), ('Mr', 'Jürgen', 'Schäfer'), ('Ms', 'Ana', 'Conceição'), ('Mr', 'Marek', 'Łukaszewski'),
]
STREETS = ['Kurfürstendamm', 'Schönhauser Allee', 'Große Straße', 'Rue de la Paix', 'Via dell’Amore',
           'Åvägen', 'Hauptstraße', 'Königsallee', 'Mühlenweg', 'Bahnhofstraße']
CITIES = [('10719', 'Berlin', 'Germany'), ('20095', 'Hamburg', 'Germany'), ('80331', 'München', 'Germany'),
          ('50667', 'Köln', 'Germany'), ('1010', 'Wien', 'Austria'), ('8001', 'Zürich', 'Switzerland'),
          ('75002', 'Paris', 'France'), ('00-001', 'Warszawa', 'Poland')]
AGENTS = ['Jürgen Weiß', 'Ayşe Demir', 'Lena Schröder', 'Mateus Gonçalves', 'Nora Lindqvist']
MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
          'October', 'November', 'December']
BILL_ITEMS = [('Aurora Mobile L – monthly fee', 1, 2999), ('MultiSIM – monthly fee', 1, 499),
              ('Roaming World 1 GB', 1, 750), ('Calls to other networks (minutes)', 37, 9),
              ('Calls to fixed lines abroad (minutes)', 12, 29), ('SMS to foreign numbers', 8, 19),
              ('Premium SMS service “Wetter+”', 2, 99), ('Additional data pack 5 GB', 1, 500),
              ('Directory assistance 11833', 1, 199), ('Handset instalment 7/24', 1, 2083),
              ('Insurance for mobile device', 1, 599), ('Video streaming option', 1, 399),
              ('International calls to Ελλάδα (minutes)', 23, 49), ('Calls to Україна (minutes)', 41, 39)]


def money(cents):
    sign = '-' if cents < 0 else ''
    cents = abs(cents)
    return f'{sign}€ {cents // 100:,}.{cents % 100:02d}'


def day(n):
    """Day n counted from 1 January 2024, as '3 March 2025' (negative n is before 2024)."""
    d = datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
    return f'{d.day} {MONTHS[d.month - 1]} {d.year}'


def load(kind):
    with open(os.path.join(HERE, 'data', kind + '.json'), encoding='utf-8') as f:
        return json.load(f)


def dunning_items(rng, count):
    items, total = [], 0
    start = 400 - 7 * count
    for i in range(count):
        d = start + 7 * i + rng.randrange(5)
        amount = rng.randrange(1500, 18000)
        open_ = amount if rng.random() < 0.8 else amount - rng.randrange(500, amount // 2)
        total += open_
        items.append({'invoice': f'R-{2024 + d // 366}-{100000 + d * 37 + i * 11:06d}', 'invoiceDate': day(d),
                      'dueDate': day(d + 14), 'daysOverdue': str(max(1, 428 - d - 14)),
                      'amount': money(amount), 'open': money(open_)})
    return items, total


def bill_items(rng, count):
    items, net = [], 0
    for i in range(count):
        name, qty, unit = BILL_ITEMS[i % len(BILL_ITEMS)]
        if i >= len(BILL_ITEMS):
            name = f'{name} (line {i // len(BILL_ITEMS) + 1})'
        qty = max(1, qty + rng.randrange(-qty // 2 - 1, qty // 2 + 2)) if qty > 1 else 1
        amount = qty * unit
        net += amount
        items.append({'pos': str(i + 1), 'description': name, 'quantity': str(qty),
                      'unitPrice': money(unit), 'amount': money(amount)})
    return items, net


def vary(kind, base, rng, index):
    row = dict(base)
    salutation, first, last = PEOPLE[index % len(PEOPLE)] if index else (base['salutation'], base['firstName'], base['lastName'])
    postcode, city, country = CITIES[rng.randrange(len(CITIES))]
    row.update(salutation=salutation, firstName=first, lastName=last,
               street=f'{STREETS[rng.randrange(len(STREETS))]} {rng.randrange(1, 240)}',
               postcode=postcode, city=city, country=country,
               customerNumber=f'K-{2020 + rng.randrange(6)}-{rng.randrange(1000000):06d}',
               agentName=AGENTS[rng.randrange(len(AGENTS))], date=day(420 + rng.randrange(30)))
    if kind == 'welcome':
        row['contractNumber'] = f'V-{rng.randrange(10000, 99999)}-01'
        row['phoneNumber'] = f'+49 15{rng.randrange(10)} {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}'
        row['startDate'] = day(422 + rng.randrange(30))
        row['options'] = base['options'][:rng.randrange(len(base['options']) + 1)]
    elif kind == 'dunning':
        items, total = dunning_items(rng, rng.randrange(30, 67))
        fee = 500 * rng.randrange(1, 4)
        row.update(accountNumber=f'A-{rng.randrange(10000000):08d}', items=items, itemCount=str(len(items)),
                   totalOpen=money(total), fee=money(fee), totalDue=money(total + fee),
                   payBy=day(440 + rng.randrange(20)),
                   reminderTitle=['First reminder', 'Second reminder', 'Final reminder'][rng.randrange(3)])
    else:
        count = rng.randrange(3, 10) if rng.random() < 0.5 else rng.randrange(10, 23)  # 1 or 2 pages
        items, net = bill_items(rng, count)
        vat = (net * 19 + 50) // 100
        row.update(accountNumber=f'A-{rng.randrange(10000000):08d}', items=items, net=money(net),
                   vatRate='19 %', vat=money(vat), total=money(net + vat),
                   invoiceNumber=f'INV-2025-{rng.randrange(1000000):06d}', period=f'{MONTHS[rng.randrange(12)]} 2025',
                   payBy=day(440 + rng.randrange(20)), directDebit=rng.random() < 0.6,
                   maskedIban=f'DE** **** **** **** **{rng.randrange(100):02d} {rng.randrange(100):02d}',
                   mandate=f'AUR-{rng.randrange(100000000):09d}')
    return row


def samples():
    rng = random.Random(20250303)
    for kind, count in (('dunning', 56), ('bill', 24)):
        base = load('welcome')
        row = vary(kind, base, rng, 0)
        if kind == 'dunning':
            items, total = dunning_items(rng, count)
            row.update(accountNumber='A-00471100', items=items, itemCount=str(count), totalOpen=money(total),
                       fee=money(1000), totalDue=money(total + 1000), payBy='24 March 2025',
                       reminderTitle='Second reminder')
        else:
            items, net = bill_items(rng, count)
            vat = (net * 19 + 50) // 100
            row.update(accountNumber='A-00471100', items=items, net=money(net), vatRate='19 %', vat=money(vat),
                       total=money(net + vat), invoiceNumber='INV-2025-004711', period='February 2025',
                       payBy='17 March 2025', directDebit=True, maskedIban='DE** **** **** **** **89 00',
                       mandate='AUR-000471100')
        for key in ('contractNumber', 'phoneNumber', 'startDate', 'tariffName', 'dataVolume',
                    'monthlyFee', 'contractTerm', 'options'):
            row.pop(key, None)
        row.update(salutation='Ms', firstName='Zoë', lastName='Åkesson-Lefèvre', street='Kurfürstendamm 213',
                   postcode='10719', city='Berlin', country='Germany', customerNumber='K-2024-004711',
                   agentName='Jürgen Weiß', date='3 March 2025')
        with open(os.path.join(HERE, 'data', kind + '.json'), 'w', encoding='utf-8') as f:
            json.dump(row, f, ensure_ascii=False, indent=2)
            f.write('\n')


def main(argv):
    if argv[1:] == ['--samples']:
        samples()
        return 0
    if len(argv) not in (3, 5) or argv[1] not in KINDS or (len(argv) == 5 and argv[3] != '--seed'):
        sys.stderr.write(__doc__)
        return 2
    kind, count = argv[1], int(argv[2])
    seed = int(argv[4]) if len(argv) == 5 else 1
    rng = random.Random(f'{kind}-{seed}')
    base = load(kind)
    out = sys.stdout
    for i in range(count):
        out.write(json.dumps(vary(kind, base, rng, i), ensure_ascii=False) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
